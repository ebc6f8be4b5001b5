// The datagram scenario's section of results/latest.md (scenarios/datagram.mjs): fan-out over
// WebRTC data channels next to the WebSocket ceiling and our server, with the ratio the decision
// rests on — data-channel relay CPU per delivered frame ÷ WebSocket relay CPU per delivered frame
// at the same N, adopt only if ≤ 1.5×.

/** The limit of the adoption rule: data-channel server CPU per delivered frame ÷ WebSocket's. */
export const RULE = 1.5;

export const DATAGRAM_NAMES = {
  ceiling: "raw ws relay (ceiling)",
  "ceiling-tls": "raw ws relay over TLS (wss)",
  ours: "Operation Won ×2 (ws)",
  "dc-ndc": "data channels, node-datachannel",
  "dc-ndc-mux": "data channels, node-datachannel, one UDP port",
  "dc-werift": "data channels, werift",
};

const fmt = (v) => (v == null ? "–" : typeof v === "number" ? v.toLocaleString("en-US") : String(v));
const ratio = (a, b) => (a != null && b ? a / b : null);
const x = (r) => (r == null ? "–" : `${r.toFixed(2)}×`);

/**
 * Markdown lines for the section.
 * @param {{ meta: object, results: { target: string, runs: object[], error?: string }[] }} data
 * @param {(head: string[], rows: unknown[][]) => string} table  the report's table formatter
 */
export function datagramSection(data, table) {
  const by = Object.fromEntries(data.results.map((r) => [r.target, r]));
  const at = (t, n) => by[t]?.runs.find((r) => r.listeners === n);
  const ns = [...new Set(data.results.flatMap((r) => r.runs.map((x) => x.listeners)))].sort((a, b) => a - b);
  const plan = data.meta.plan.datagram;
  const md = [
    "## Datagram path: fan-out over WebRTC data channels",
    "",
    `_Measured ${data.meta.startedAt}._ 1 speaker → N listeners, 50 frames/s for ${plan.durationMs / 1000} s per N, ` +
      "the same 68-byte frames and measurement window as the fan-out scenario. Data channels are unordered with " +
      "no retransmission; the WebSocket stays for control and signalling. The data-channel relays are one process " +
      "with no auth, Redis or recording, like the ws ceiling: compare them with the ceiling for the transport's cost.",
    "",
  ];
  const rows = [];
  for (const n of ns) {
    for (const t of Object.keys(DATAGRAM_NAMES)) {
      const r = at(t, n);
      if (!r) continue;
      rows.push([
        fmt(n),
        DATAGRAM_NAMES[t],
        fmt(r.framesDelivered),
        `${fmt(r.framesLost)} (${r.lossPct}%)`,
        r.latency.p50Ms,
        r.latency.p99Ms,
        `**${r.cpuUsPerFrame}**`,
        x(ratio(r.cpuUsPerFrame, at("ceiling", n)?.cpuUsPerFrame)),
        x(ratio(r.cpuUsPerFrame, at("ceiling-tls", n)?.cpuUsPerFrame)),
        x(ratio(r.cpuUsPerFrame, at("ours", n)?.cpuUsPerFrame)),
        `${r.serverCpuPct}%`,
        r.serverRssMB,
        `${r.generatorCpuPct}%`,
        `${r.foreignCpuPct}%`,
      ]);
    }
  }
  md.push(
    table(
      [
        "N",
        "target",
        "delivered",
        "lost",
        "p50 ms",
        "p99 ms",
        "server µs/frame",
        "÷ ceiling",
        "÷ wss ceiling",
        "÷ ours",
        "server CPU",
        "RSS MB",
        "gen %",
        "other %",
      ],
      rows,
    ),
    "",
  );
  const verdicts = ["dc-ndc", "dc-ndc-mux", "dc-werift"]
    .filter((t) => by[t]?.runs.length)
    .flatMap((t) =>
      ["ceiling", "ceiling-tls", "ours"]
        .filter((ws) => by[ws]?.runs.length)
        .map((ws) => {
          const rs = ns
            .map((n) => [n, ratio(at(t, n)?.cpuUsPerFrame, at(ws, n)?.cpuUsPerFrame)])
            .filter(([, v]) => v != null);
          const within = rs.filter(([, v]) => v <= RULE).length;
          const list = rs.map(([n, v]) => `${x(v)} at N = ${fmt(n)}`).join(", ");
          return `- ${DATAGRAM_NAMES[t]} ÷ ${DATAGRAM_NAMES[ws]}: ${list} — within ${RULE}× at ${within} of ${rs.length}`;
        }),
    );
  if (verdicts.length)
    md.push("Server CPU per delivered frame, data channels ÷ WebSocket at the same N:", "", ...verdicts, "");
  const failed = data.results.filter((r) => r.error);
  if (failed.length)
    md.push(`Did not complete: ${failed.map((r) => `${r.target} (${r.error})`).join("; ")}.`, "");
  return md;
}
