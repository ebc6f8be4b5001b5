// Renders bench/results/latest.md (tables per scenario, ratios to the ceiling and the peer) and
// its SVG charts from the JSON files of the last run. Run alone to re-render:
// `node bench/report.mjs`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderLink } from "./link/report-link.mjs";
import { datagramSection } from "./report-datagram.mjs";

const COLORS = { ours: "#d9480f", ceiling: "#2b8a3e", peer: "#1c7ed6", preframed: "#9c36b5" };
const NAMES = {
  ours: "Operation Won",
  ceiling: "raw ws (ceiling)",
  peer: "Socket.IO (peer)",
  preframed: "raw ws, frame built once",
};

// ------------------------------------------------------------------ charts

const niceStep = (span, n) => {
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
};
const fmt = (v) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(2)}`);
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** A line chart as a plain SVG string: series of [x, y] points, linear x, linear or log y. */
export function lineChart({ title, xLabel, yLabel, series, logY = false, hLine }) {
  const W = 680;
  const H = 380;
  const m = { l: 70, r: 20, t: 40, b: 70 };
  const pts = series.flatMap((s) => s.points).filter(([, y]) => y != null && (!logY || y > 0));
  if (pts.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30">${esc(title)}: no data</text></svg>`;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]).concat(hLine ? [hLine.y] : []);
  const xMax = Math.max(...xs) * 1.05;
  const xMin = 0;
  let yMin;
  let yMax;
  let yTicks;
  if (logY) {
    yMin = 10 ** Math.floor(Math.log10(Math.min(...ys)));
    yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
    yTicks = [];
    for (let d = yMin; d <= yMax; d *= 10) for (const k of [1, 2, 5]) if (d * k <= yMax) yTicks.push(d * k);
  } else {
    yMin = 0;
    const step = niceStep(Math.max(...ys) || 1, 5);
    yMax = Math.ceil((Math.max(...ys) * 1.05) / step) * step || 1;
    yTicks = [];
    for (let v = 0; v <= yMax + 1e-9; v += step) yTicks.push(v);
  }
  const X = (x) => m.l + ((x - xMin) / (xMax - xMin)) * (W - m.l - m.r);
  const Y = (y) =>
    logY
      ? H -
        m.b -
        ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - m.t - m.b)
      : H - m.b - ((y - yMin) / (yMax - yMin)) * (H - m.t - m.b);
  const xStep = niceStep(xMax, 6);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const v of yTicks) {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(v)}" y2="${Y(v)}" stroke="#e9ecef"/>`);
    out.push(`<text x="${m.l - 6}" y="${Y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (let v = 0; v <= xMax; v += xStep) {
    out.push(`<line x1="${X(v)}" x2="${X(v)}" y1="${m.t}" y2="${H - m.b}" stroke="#f1f3f5"/>`);
    out.push(`<text x="${X(v)}" y="${H - m.b + 16}" text-anchor="middle">${fmt(v)}</text>`);
  }
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#495057"/>`);
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#495057"/>`);
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - m.b + 36}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}${logY ? " (log)" : ""}</text>`,
  );
  if (hLine) {
    out.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(hLine.y)}" y2="${Y(hLine.y)}" stroke="#868e96" stroke-dasharray="5 4"/>`,
    );
    out.push(
      `<text x="${W - m.r - 4}" y="${Y(hLine.y) - 5}" text-anchor="end" fill="#868e96">${esc(hLine.label)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const p = s.points.filter(([, y]) => y != null && (!logY || y > 0)).sort((a, b) => a[0] - b[0]);
    if (p.length) {
      out.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${p.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ")}"/>`,
      );
      for (const [x, y] of p)
        out.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3.5" fill="${s.color}"/>`);
    }
    const lx = m.l + 10 + i * 200;
    out.push(`<rect x="${lx}" y="${H - 24}" width="14" height="4" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 20}" y="${H - 18}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}

// ------------------------------------------------------------------ tables

/** A Markdown table with its columns padded, as a formatter would leave it. */
const table = (head, rows) => {
  const cells = rows.map((r) => r.map((c) => (c == null ? "–" : String(c))));
  const width = head.map((h, i) => Math.max(3, h.length, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(width[i])).join(" | ")} |`;
  return [line(head), line(width.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
};
const ratio = (a, b) => (a != null && b != null && b !== 0 ? `${(a / b).toFixed(2)}×` : "–");
const n = (v) => (v == null ? "–" : typeof v === "number" ? v.toLocaleString("en-US") : v);

function load(dir, name) {
  const f = join(dir, `${name}.json`);
  return existsSync(f) ? JSON.parse(readFileSync(f, "utf8")) : null;
}

export function render(dir, { readme = true } = {}) {
  const run = load(dir, "run");
  const fan = load(dir, "fanout");
  const chn = load(dir, "channels");
  const idle = load(dir, "idle");
  const chat = load(dir, "chat");
  const rest = load(dir, "rest");
  const link = load(dir, "link");
  const meta = run ?? fan?.meta ?? {};
  const md = [];
  md.push("# Operation Won — benchmark report", "");
  md.push(
    `Generated by \`npm run bench${meta.quick ? " -- --quick" : ""}\` on ${meta.startedAt ?? "?"} (${meta.durationS ?? "?"} s). ` +
      "Every figure comes from one run in which Operation Won and both baselines were driven by the same generator processes " +
      "with the same frames (68-byte binary frames: 8-byte header + 60-byte payload carrying the send time).",
    "",
  );
  // How busy was the machine with other people's work while we measured?
  const foreign = [
    ...(fan?.results ?? []).flatMap((r) => [...r.runs, ...r.searchRuns]),
    ...(chn?.results ?? []),
    ...(chat?.results ?? []).flatMap((r) => r.rows),
  ]
    .map((x) => x.foreignCpuPct)
    .filter((x) => typeof x === "number")
    .sort((a, b) => a - b);
  const medianForeign = foreign.length ? foreign[Math.floor(foreign.length / 2)] : null;
  if (medianForeign != null && medianForeign > 50) {
    md.push(
      `> **Validity warning.** During this run, processes the benchmark did not start (other jobs on this shared machine) used a median of **${medianForeign} %** of one core (of 200 %) in the measured windows (\`other %\` columns). ` +
        "The generator and the servers were starved: latency, frames lost and the largest-N search say more about that load than about the servers, and must be re-measured on a quiet machine (`npm run bench`). " +
        "The figures that hold up are the ones counted rather than timed: server CPU µs per delivered frame (CPU time of the server processes only), memory per socket, SQL statements and Redis commands per operation, and the ratios between targets measured under the same load.",
      "",
    );
  }
  const mc = meta.machine ?? {};
  md.push(
    "## Machine",
    "",
    table(
      ["CPU", "Memory", "OS", "Node", "MariaDB", "Redis", "fd limit", "load avg at start"],
      [
        [
          mc.cpu,
          `${mc.memoryGB} GB`,
          `${mc.distro} (${mc.os})`,
          mc.node,
          mc.mariadb?.split(" ")[0],
          mc.redis?.split(" ")[2],
          mc.fdLimit,
          mc.loadAverageAtStart?.join(" / "),
        ],
      ],
    ),
    "",
  );
  md.push(
    `Server built from commit \`${mc.commit}\`${mc.uncommittedServerFiles?.length ? ` with uncommitted changes in ${mc.uncommittedServerFiles.map((f) => `\`${f.trim().split(/\s+/).pop()}\``).join(", ")} (work in progress by others at run time)` : ""}.`,
    "",
  );
  md.push(
    "Everything runs on this one machine: our two instances (or the baselines), MariaDB, Redis and the load generator " +
      "(3 listener processes + 1 speaker/poster process) share its cores. **gen %** is the generator's own CPU and " +
      "**other %** is CPU used by processes this benchmark did not start (other jobs on the machine), both in % of one core, " +
      "so a reader can judge how much the latency figures owe to contention. Server CPU per delivered frame is measured from " +
      "/proc/PID/stat of the server processes only and is the figure least disturbed by contention.",
    "",
    "Targets: **ours** = two Operation Won instances (MariaDB + Redis, `NODE_ENV=production`, listeners split over both, " +
      "speaker on the first); **ceiling** = `bench/peers/raw-relay.mjs`, one process, `ws` only, no auth/Redis/recording; " +
      "**peer** = `bench/peers/sio-relay.mjs`, two Socket.IO 4 instances with `@socket.io/redis-adapter`, rooms as channels.",
    "",
  );

  // -------------------------------------------------------------- fan-out
  if (fan) {
    const by = Object.fromEntries(fan.results.map((r) => [r.target, r]));
    const all = (t) =>
      by[t] ? [...by[t].runs, ...by[t].searchRuns].sort((a, b) => a.listeners - b.listeners) : [];
    md.push(
      "## Fan-out: 1 speaker → N listeners",
      "",
      `_Measured ${fan.meta.startedAt}${fan.meta.startedAt !== meta.startedAt ? " (re-run of this scenario alone)" : ""}._`,
      "",
    );
    md.push(
      `50 frames/s for ${fan.meta.plan.fanout.durationMs / 1000} s per N. Added latency = receive time − send time stamped in the payload (same clock).`,
      "",
    );
    const rows = [];
    for (const t of ["ours", "ceiling", "peer", "preframed"]) {
      for (const r of by[t]?.runs ?? []) {
        rows.push([
          NAMES[t],
          n(r.listeners),
          n(r.framesDelivered),
          n(r.framesLost),
          r.latency.p50Ms,
          r.latency.p99Ms,
          r.latency.maxMs,
          `**${r.cpuUsPerFrame}**`,
          r.cpuUsPerFrameInclRedis,
          `${r.serverCpuPct}%`,
          r.serverRssMB,
          r.redisCommandsPerFrameIn ?? "–",
          `${r.generatorCpuPct}%`,
          `${r.foreignCpuPct}%`,
        ]);
      }
    }
    md.push(
      table(
        [
          "target",
          "N",
          "delivered",
          "lost",
          "p50 ms",
          "p99 ms",
          "max ms",
          "server µs/frame",
          "incl. Redis",
          "server CPU",
          "server RSS MB",
          "Redis cmds/frame sent",
          "gen %",
          "other %",
        ],
        rows,
      ),
      "",
    );
    md.push(
      "Redis cmds/frame sent counts every Redis command during the window (all targets share the one Redis) ÷ frames the speaker sent: ≈ 1 = one PUBLISH per frame.",
      "",
    );
    md.push("### Ratios (ours ÷ baseline; lower is better for all of these)", "");
    const rr = [];
    for (const r of by.ours?.runs ?? []) {
      const c = by.ceiling?.runs.find((x) => x.listeners === r.listeners);
      const p = by.peer?.runs.find((x) => x.listeners === r.listeners);
      rr.push([
        n(r.listeners),
        ratio(r.cpuUsPerFrame, c?.cpuUsPerFrame),
        ratio(r.cpuUsPerFrame, p?.cpuUsPerFrame),
        ratio(r.latency.p99Ms, c?.latency.p99Ms),
        ratio(r.latency.p99Ms, p?.latency.p99Ms),
        ratio(r.serverRssMB, c?.serverRssMB),
        ratio(r.serverRssMB, p?.serverRssMB),
      ]);
    }
    md.push(
      table(
        [
          "N",
          "µs/frame vs ceiling",
          "µs/frame vs peer",
          "p99 vs ceiling",
          "p99 vs peer",
          "RSS vs ceiling",
          "RSS vs peer",
        ],
        rr,
      ),
      "",
    );
    if (fan.results.some((r) => r.maxPassing)) {
      md.push("### Largest N with 0 frames lost and p99 < 50 ms", "");
      const sr = fan.results.map((r) => [
        NAMES[r.target],
        r.maxPassing ? (r.maxPassing.atLeast ? n(r.maxPassing.atLeast) : "< smallest N tried") : "–",
        r.maxPassing?.failsAt
          ? n(r.maxPassing.failsAt)
          : r.maxPassing
            ? "not reached (cap or step limit)"
            : "–",
        r.searchRuns
          .map(
            (s) =>
              `${n(s.listeners)}: ${s.pass ? "pass" : `fail (lost ${n(s.framesLost)}, p99 ${s.latency.p99Ms} ms)`}`,
          )
          .join("; ") || "–",
      ]);
      md.push(table(["target", "passes at", "fails at", "search runs (10 s each)"], sr), "");
      md.push(
        "The search runs after the fixed N, on the same server processes: a target that was overloaded at N = 2,500 (a Socket.IO instance still flushing seconds of queued frames, hundreds of MB of RSS) starts its search runs in that state, so its search figures understate it; read them together with the server CPU and RSS of those rows in `fanout.json`.",
        "",
      );
      const lo = (t) => fan.results.find((r) => r.target === t)?.maxPassing?.atLeast;
      md.push(
        `Ratio of largest passing N: ours ÷ ceiling = ${ratio(lo("ours"), lo("ceiling"))}, ours ÷ peer = ${ratio(lo("ours"), lo("peer"))} (higher is better).`,
        "",
      );
    }
    if (by.preframed) {
      const pr = (by.ceiling?.runs ?? []).map((c) => {
        const p = by.preframed.runs.find((x) => x.listeners === c.listeners);
        return [
          n(c.listeners),
          c.cpuUsPerFrame,
          p?.cpuUsPerFrame,
          p ? `${Math.round((1 - p.cpuUsPerFrame / c.cpuUsPerFrame) * 100)}%` : "–",
          c.latency.p99Ms,
          p?.latency.p99Ms,
        ];
      });
      md.push("### Framing once vs `ws.send` per socket (ceiling relay, same run)", "");
      md.push(
        table(
          [
            "N",
            "ws.send µs/frame",
            "frame once µs/frame",
            "CPU saved",
            "ws.send p99 ms",
            "frame once p99 ms",
          ],
          pr,
        ),
        "",
      );
    }
    const series = (f) =>
      ["ours", "ceiling", "peer"]
        .filter((t) => by[t])
        .map((t) => ({ name: NAMES[t], color: COLORS[t], points: all(t).map((r) => [r.listeners, f(r)]) }));
    writeFileSync(
      join(dir, "fanout-latency.svg"),
      lineChart({
        title: "Fan-out: p99 added latency vs listeners",
        xLabel: "listeners (1 speaker, 50 frames/s)",
        yLabel: "p99 latency, ms",
        series: series((r) => r.latency.p99Ms),
        logY: true,
        hLine: { y: 50, label: "50 ms" },
      }),
    );
    writeFileSync(
      join(dir, "fanout-p50.svg"),
      lineChart({
        title: "Fan-out: p50 added latency vs listeners",
        xLabel: "listeners",
        yLabel: "p50 latency, ms",
        series: series((r) => r.latency.p50Ms),
        logY: true,
      }),
    );
    writeFileSync(
      join(dir, "fanout-cpu.svg"),
      lineChart({
        title: "Fan-out: server CPU per delivered frame",
        xLabel: "listeners",
        yLabel: "µs of server CPU per frame",
        series: series((r) => r.cpuUsPerFrame),
      }),
    );
    md.push(
      "![p99 latency vs listeners](fanout-latency.svg)",
      "",
      "![p50 latency vs listeners](fanout-p50.svg)",
      "",
      "![CPU per frame vs listeners](fanout-cpu.svg)",
      "",
    );
    const notes = fan.results.flatMap((r) =>
      [...r.runs, ...r.searchRuns]
        .filter((x) => Object.keys(x.notes ?? {}).length || x.unexpectedCloses)
        .map(
          (x) =>
            `${NAMES[r.target]} N=${x.listeners}: ${JSON.stringify(x.notes)} closes=${x.unexpectedCloses}`,
        ),
    );
    if (notes.length) md.push(`Server errors / abnormal stops seen by clients: ${notes.join("; ")}`, "");
  }

  // -------------------------------------------------------------- many channels
  if (chn) {
    md.push("## Many channels: C × (1 speaker + 5 listeners)", "");
    const by = Object.fromEntries(chn.results.map((r) => [r.target, r]));
    md.push(
      table(
        [
          "target",
          "channels",
          "listeners",
          "delivered",
          "lost",
          "p50 ms",
          "p99 ms",
          "max ms",
          "server µs/frame",
          "incl. Redis",
          "server CPU",
          "Redis CPU",
          "gen %",
          "other %",
        ],
        ["ours", "ceiling", "peer"]
          .filter((t) => by[t])
          .map((t) => {
            const r = by[t];
            return [
              NAMES[t],
              r.channels,
              n(r.listeners),
              n(r.framesDelivered),
              n(r.framesLost),
              r.latency.p50Ms,
              r.latency.p99Ms,
              r.latency.maxMs,
              `**${r.cpuUsPerFrame}**`,
              r.cpuUsPerFrameInclRedis,
              `${r.serverCpuPct}%`,
              `${r.redisCpuPct}%`,
              `${r.generatorCpuPct}%`,
              `${r.foreignCpuPct}%`,
            ];
          }),
      ),
      "",
    );
    if (by.ours)
      md.push(
        `Ratios: µs/frame ours ÷ ceiling = ${ratio(by.ours.cpuUsPerFrame, by.ceiling?.cpuUsPerFrame)}, ÷ peer = ${ratio(by.ours.cpuUsPerFrame, by.peer?.cpuUsPerFrame)}; p99 ours ÷ ceiling = ${ratio(by.ours.latency.p99Ms, by.ceiling?.latency.p99Ms)}, ÷ peer = ${ratio(by.ours.latency.p99Ms, by.peer?.latency.p99Ms)}.`,
        "",
      );
  }

  // -------------------------------------------------------------- idle
  if (idle) {
    md.push("## Idle connections on one instance", "");
    md.push(
      'Authenticated sockets (contract auth → ready; Socket.IO: connected) on ONE process. Ping = the contract\'s `{type:"ping"}` → `{type:"pong"}` (Socket.IO: an acked emit) from a sample of sockets, 1/s each; the ws-level heartbeat (25 s) is not what is timed. Memory per socket = (RSS − RSS before the first socket) ÷ sockets. The server\'s fd limit caps the count below 20,000.',
      "",
    );
    const rows = [];
    for (const r of idle.results)
      for (const s of r.steps)
        rows.push([
          NAMES[r.target],
          n(s.sockets),
          s.failed,
          s.ping.p50Ms,
          s.ping.p99Ms,
          s.ping.maxMs,
          s.serverRssMB,
          s.kbPerSocket,
          n(s.connectPerSec),
          s.connectCpuUsPerSocket,
          `${s.serverCpuPctWhileIdle}%`,
        ]);
    md.push(
      table(
        [
          "target",
          "sockets",
          "failed",
          "ping p50 ms",
          "p99 ms",
          "max ms",
          "RSS MB",
          "KB/socket",
          "connects/s",
          "server CPU µs/connect",
          "server CPU idle",
        ],
        rows,
      ),
      "",
    );
    const last = (t) => idle.results.find((r) => r.target === t)?.steps.at(-1);
    const o = last("ours");
    const at = (t) =>
      idle.results.find((r) => r.target === t)?.steps.find((s) => s.sockets === o?.sockets) ?? last(t);
    if (o)
      md.push(
        `Ratios at ${n(o.sockets)} sockets: KB/socket ours ÷ ceiling = ${ratio(o.kbPerSocket, at("ceiling")?.kbPerSocket)}, ÷ peer = ${ratio(o.kbPerSocket, at("peer")?.kbPerSocket)}; ping p99 ours ÷ ceiling = ${ratio(o.ping.p99Ms, at("ceiling")?.ping.p99Ms)}, ÷ peer = ${ratio(o.ping.p99Ms, at("peer")?.ping.p99Ms)}; CPU per connect ours ÷ ceiling = ${ratio(o.connectCpuUsPerSocket, at("ceiling")?.connectCpuUsPerSocket)}, ÷ peer = ${ratio(o.connectCpuUsPerSocket, at("peer")?.connectCpuUsPerSocket)}.`,
        "",
      );
    const series = (f) =>
      idle.results.map((r) => ({
        name: NAMES[r.target],
        color: COLORS[r.target],
        points: r.steps.map((s) => [s.sockets, f(s)]),
      }));
    writeFileSync(
      join(dir, "idle-rss.svg"),
      lineChart({
        title: "Idle sockets: server RSS",
        xLabel: "authenticated idle sockets on one process",
        yLabel: "RSS, MB",
        series: series((s) => s.serverRssMB),
      }),
    );
    writeFileSync(
      join(dir, "idle-ping.svg"),
      lineChart({
        title: "Idle sockets: ping → pong p99",
        xLabel: "sockets",
        yLabel: "p99, ms",
        series: series((s) => s.ping.p99Ms),
        logY: true,
      }),
    );
    md.push("![RSS vs idle sockets](idle-rss.svg)", "", "![ping p99 vs idle sockets](idle-ping.svg)", "");
  }

  // -------------------------------------------------------------- chat
  if (chat) {
    md.push("## Chat: REST posts, each delivered to 10 listeners", "");
    md.push(
      "Open-loop posts at the offered rate from one process (keep-alive, ≤ 256 in flight), one sender. End-to-end = POST sent → `message.created` received, over all 10 listeners. The baselines do no authentication and no persistence: their figures bound what the transport alone costs. For ours, every accepted message is looked up in the history afterwards.",
      "",
    );
    const rows = [];
    for (const r of chat.results) {
      for (const x of r.rows) {
        rows.push([
          NAMES[r.target],
          n(x.offeredPerSec),
          n(x.acceptedPerSec),
          `${n(x.deliveries)}/${n(x.deliveriesExpected)}`,
          x.restLatency.p50Ms,
          x.restLatency.p99Ms,
          x.e2eLatency.p50Ms,
          x.e2eLatency.p99Ms,
          x.cpuUsPerMessage,
          `${x.serverCpuPct}%`,
          `${x.dbCpuPct}%`,
          x.dbStatementsPerMessage ?? "–",
          x.redisCommandsPerMessage ?? "–",
          x.missingFromHistory ?? "n/a",
          `${x.foreignCpuPct}%`,
        ]);
      }
    }
    md.push(
      table(
        [
          "target",
          "offered/s",
          "accepted/s",
          "delivered",
          "POST p50 ms",
          "POST p99 ms",
          "e2e p50 ms",
          "e2e p99 ms",
          "server µs/msg",
          "server CPU",
          "MariaDB CPU",
          "SQL stmts/msg",
          "Redis cmds/msg",
          "missing from history",
          "other %",
        ],
        rows,
      ),
      "",
    );
    const best = (t) => {
      const r = chat.results.find((x) => x.target === t);
      return r
        ? Math.max(
            ...r.rows
              .filter((x) => x.accepted >= x.offered * 0.95 && (x.e2eLatency.p99Ms ?? 1e9) <= 1000)
              .map((x) => x.acceptedPerSec),
            0,
          )
        : null;
    };
    md.push(
      `Highest sustained rate (≥ 95 % accepted, e2e p99 ≤ 1 s): ours ${n(best("ours"))}/s, ceiling ${n(best("ceiling"))}/s, peer ${n(best("peer"))}/s → ours ÷ ceiling = ${ratio(best("ours"), best("ceiling"))}, ÷ peer = ${ratio(best("ours"), best("peer"))} (higher is better).`,
      "",
    );
    const series = chat.results.map((r) => ({
      name: NAMES[r.target],
      color: COLORS[r.target],
      points: r.rows.map((x) => [x.offeredPerSec, x.e2eLatency.p99Ms]),
    }));
    writeFileSync(
      join(dir, "chat-latency.svg"),
      lineChart({
        title: "Chat: end-to-end p99 vs offered rate",
        xLabel: "messages/s offered",
        yLabel: "p99, ms",
        series,
        logY: true,
      }),
    );
    md.push("![chat e2e p99](chat-latency.svg)", "");
  }

  // -------------------------------------------------------------- REST
  if (rest) {
    md.push("## REST under load (autocannon)", "");
    md.push(
      "One instance, one user who sees 10 channels; history = the latest 50 messages of the chat channel. The baselines have no REST API, so there is no ratio here.",
      "",
    );
    const rows = rest.results[0].rows.map((r) => [
      r.endpoint,
      r.connections,
      n(r.requestsPerSec),
      r.latencyMs.p50,
      r.latencyMs.p99,
      r.latencyMs.max,
      r.non2xx,
      r.errors,
      r.cpuUsPerRequest,
      `${r.serverCpuPct}%`,
      `${r.dbCpuPct}%`,
    ]);
    md.push(
      table(
        [
          "endpoint",
          "connections",
          "req/s",
          "p50 ms",
          "p99 ms",
          "max ms",
          "non-2xx",
          "errors",
          "server µs/req",
          "server CPU",
          "MariaDB CPU",
        ],
        rows,
      ),
      "",
    );
  }
  // The datagram evaluation runs only when asked for (--only=datagram): its own page, so that
  // latest.md stays the record of one full run.
  const dgram = load(dir, "datagram");
  if (dgram) writeFileSync(join(dir, "datagram.md"), `${datagramSection(dgram, table).join("\n")}\n`);
  if (link) md.push(...renderLink(link, table));
  const out = join(dir, "latest.md");
  writeFileSync(out, `${md.join("\n")}\n`);
  if (readme) updateReadme(dir, { meta, fan, chn, idle, chat, rest, link, medianForeign });
  return out;
}

/** The headline figures, written between the markers of bench/README.md after every full run. */
function updateReadme(dir, { meta, fan, chn, idle, chat, rest, link, medianForeign }) {
  const readme = join(dir, "../README.md");
  // Only figures of full runs go into the README (a --quick or profiling run must not).
  if (
    !existsSync(readme) ||
    [meta, fan?.meta, chn?.meta, idle?.meta, chat?.meta, rest?.meta, link?.meta].some((m) => m?.quick)
  )
    return;
  const text = readFileSync(readme, "utf8");
  const START = "<!-- bench:summary:start -->";
  const END = "<!-- bench:summary:end -->";
  if (!text.includes(START) || !text.includes(END)) return;
  const s = [];
  const mc = meta.machine ?? {};
  s.push(
    `Run of ${meta.startedAt?.slice(0, 16).replace("T", " ")} UTC, ${mc.cpu}, Node ${mc.node}, commit \`${mc.commit}\`${fan && fan.meta.startedAt !== meta.startedAt ? ` (fan-out and many channels re-run alone at ${fan.meta.startedAt.slice(11, 16)} UTC)` : ""} — full tables and charts in [results/latest.md](results/latest.md).`,
  );
  if (medianForeign != null && medianForeign > 50)
    s.push(
      "",
      `**Other jobs on this shared machine used a median ${medianForeign} % of one core (of 200 %) during the measured windows**, so latency, loss and the max-N search below are dominated by that load; CPU per frame, memory and operation counts are the usable figures. Re-run on a quiet machine.`,
    );
  if (fan) {
    const by = Object.fromEntries(fan.results.map((r) => [r.target, r]));
    s.push("", "Fan-out, 1 speaker → N listeners over two instances (50 frames/s, 20 s):", "");
    s.push(
      table(
        ["N", "target", "frames lost", "p50 ms", "p99 ms", "server µs/frame", "other %"],
        ["ours", "ceiling", "peer"].flatMap((t) =>
          (by[t]?.runs ?? []).map((r) => [
            n(r.listeners),
            NAMES[t],
            `${n(r.framesLost)} of ${n(r.framesExpected)}`,
            r.latency.p50Ms,
            r.latency.p99Ms,
            r.cpuUsPerFrame,
            `${r.foreignCpuPct}%`,
          ]),
        ),
      ),
    );
    const rr = (by.ours?.runs ?? []).map((r) => {
      const c = by.ceiling?.runs.find((x) => x.listeners === r.listeners);
      const p = by.peer?.runs.find((x) => x.listeners === r.listeners);
      return `N=${n(r.listeners)}: ${ratio(r.cpuUsPerFrame, c?.cpuUsPerFrame)} the ceiling, ${ratio(r.cpuUsPerFrame, p?.cpuUsPerFrame)} the peer`;
    });
    s.push("", `Server CPU per delivered frame, ours as a multiple of: ${rr.join("; ")}.`);
    const lo = (t) => by[t]?.maxPassing?.atLeast;
    if (by.ours?.maxPassing)
      s.push(
        `Largest N with 0 loss and p99 < 50 ms: ours ${n(lo("ours"))}, ceiling ${n(lo("ceiling"))}, peer ${n(lo("peer"))}.`,
      );
  }
  if (chn) {
    const by = Object.fromEntries(chn.results.map((r) => [r.target, r]));
    const o = by.ours;
    if (o)
      s.push(
        "",
        `Many channels (${o.channels} × (1 + 5)): ours ${o.cpuUsPerFrame} µs/frame (${ratio(o.cpuUsPerFrame, by.ceiling?.cpuUsPerFrame)} ceiling, ${ratio(o.cpuUsPerFrame, by.peer?.cpuUsPerFrame)} peer), lost ${n(o.framesLost)} of ${n(o.framesExpected)}, p99 ${o.latency.p99Ms} ms.`,
      );
  }
  if (idle) {
    const last = (t) => idle.results.find((r) => r.target === t)?.steps.at(-1);
    const o = last("ours");
    if (o)
      s.push(
        "",
        `Idle sockets on one instance: ours ${n(o.sockets)} sockets, ${o.kbPerSocket} KB/socket, ping p99 ${o.ping.p99Ms} ms, ${o.connectCpuUsPerSocket} µs CPU per connect+auth (ceiling ${last("ceiling")?.kbPerSocket} KB / ${last("ceiling")?.connectCpuUsPerSocket} µs at ${n(last("ceiling")?.sockets)}; peer ${last("peer")?.kbPerSocket} KB / ${last("peer")?.connectCpuUsPerSocket} µs at ${n(last("peer")?.sockets)}).`,
      );
  }
  if (chat) {
    const o = chat.results.find((r) => r.target === "ours");
    if (o)
      s.push(
        "",
        `Chat (ours): ${o.rows.map((x) => `${x.offeredPerSec}/s offered → ${x.acceptedPerSec}/s accepted, e2e p99 ${x.e2eLatency.p99Ms} ms`).join("; ")}; ${o.rows[0]?.dbStatementsPerMessage} SQL statements and ${o.rows[0]?.redisCommandsPerMessage} Redis commands per message, ${o.rows.map((x) => `${x.cpuUsPerMessage}`).join(" / ")} µs server CPU per accepted message at those rates; accepted messages missing from history: ${o.rows.map((x) => x.missingFromHistory).join(", ")}.`,
      );
  }
  if (rest)
    s.push(
      "",
      `REST (one instance, 32 connections): ${rest.results[0].rows.map((r) => `${r.endpoint} ${n(r.requestsPerSec)} req/s, p99 ${r.latencyMs.p99} ms`).join("; ")}.`,
    );
  const next =
    text.slice(0, text.indexOf(START) + START.length) +
    "\n" +
    s.join("\n") +
    "\n" +
    text.slice(text.indexOf(END));
  writeFileSync(readme, next);
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  console.log(render(join(dirname(fileURLToPath(import.meta.url)), "results")));
