// Datagram path: the fan-out of scenarios/fanout.mjs (1 speaker → N listeners, 50 frames/s of
// 68-byte frames, same measurement window) with the audio carried by WebRTC data channels
// (unordered, no retransmission; WebSocket kept for control and signalling), next to the raw `ws`
// ceiling and our server at the same N in the same run.
//
// A data channel always encrypts (DTLS), once per listener; the ws ceiling of the run is plaintext.
// So the raw relay is also measured over TLS ("ceiling-tls", wss:// with a throwaway self-signed
// P-256 certificate): the like-for-like WebSocket figure for the rule.
//
// The data-channel relays (peers/dc-relay.mjs) and their generator processes
// (datagram-worker.mjs: 3 listener processes + 1 speaker, like client-worker.mjs) are started here
// and stopped at the end; the WebSocket targets use the run's usual generator.

import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { log } from "../lib/measure.mjs";
import { startPeer } from "../lib/stack.mjs";
import { startWorkers } from "../lib/workers.mjs";
import { fanout } from "./fanout.mjs";

const WORKER = join(dirname(fileURLToPath(import.meta.url)), "../datagram-worker.mjs");

/** The raw ws relay serving wss:// with a self-signed certificate made for this run. */
async function tlsCeiling() {
  const dir = mkdtempSync(join(os.tmpdir(), "dgram-tls-"));
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const made = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
    ].concat(["-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert]),
    { encoding: "utf8" },
  );
  if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
  const relay = await startPeer("raw-wss", "raw-relay.mjs", { TLS_CERT: cert, TLS_KEY: key });
  return {
    key: "ceiling-tls",
    label: "raw ws relay over TLS (ceiling, wss://)",
    proto: "raw",
    urls: [relay.ws.replace(/^ws:/, "wss:")],
    bases: [relay.base.replace(/^http:/, "https:")],
    procs: [{ name: relay.name, pid: relay.pid, role: "server" }],
  };
}

/** The data-channel relays measured; `maxN` bounds a library too slow for the larger N. */
export const DC_TARGETS = [
  { key: "dc-ndc", label: "node-datachannel relay (libdatachannel)", lib: "ndc", env: {} },
  {
    key: "dc-ndc-mux",
    label: "node-datachannel relay, one UDP port for all peers",
    lib: "ndc",
    env: { UDP_MUX: "1" },
  },
  { key: "dc-werift", label: "werift relay (TypeScript)", lib: "werift", env: {}, maxN: 200 },
];

/**
 * @param ctx       the run's context (its generator drives the WebSocket targets)
 * @param wsTargets the run's ceiling and ours targets
 * @param plan      { ns, durationMs, targets? } — `targets` filters by key
 */
export async function datagram(ctx, wsTargets, { ns, durationMs }, want = () => true) {
  const results = [];
  const ws = [...wsTargets];
  if (want("ceiling-tls")) ws.push(await tlsCeiling());
  for (const t of ws.filter((t) => want(t.key))) {
    log(`  datagram: ${t.key} over WebSocket`);
    results.push(await fanout(ctx, t, { ns, durationMs, search: null }));
  }
  const dcTargets = DC_TARGETS.filter((t) => want(t.key));
  if (!dcTargets.length) return results;
  const w = startWorkers(3, WORKER, "dg");
  try {
    const dctx = { ...ctx, w };
    for (const d of dcTargets) {
      const relay = await startPeer(d.key, "dc-relay.mjs", { DC_LIB: d.lib, ...d.env });
      const target = {
        key: d.key,
        label: d.label,
        proto: `dc-${d.lib}`,
        urls: [relay.ws],
        bases: [relay.base],
        procs: [{ name: relay.name, pid: relay.pid, role: "server" }],
      };
      log(`  datagram: ${d.key}`);
      const tns = ns.filter((n) => n <= (d.maxN ?? Infinity));
      try {
        results.push(await fanout(dctx, target, { ns: tns, durationMs, search: null }));
      } catch (err) {
        log(`  datagram: ${d.key} failed: ${err.message}`);
        results.push({ target: d.key, runs: [], searchRuns: [], error: String(err.message) });
      }
      relay.child.kill("SIGTERM");
      await sleep(500);
    }
  } finally {
    w.stop();
  }
  return results;
}
