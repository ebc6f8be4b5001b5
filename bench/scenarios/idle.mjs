// Idle connections: authenticated sockets held by ONE instance of the target, in steps, until the
// step list ends or app-level ping → pong p99 degrades. Memory per socket = RSS growth / sockets.
// (The ws-level heartbeat is every 25 s, so a short probe sees at most one: the latency measured
// is the contract's {type:"ping"} → {type:"pong"}, or an acked emit for Socket.IO.)
import { setTimeout as sleep } from "node:timers/promises";
import { merge, summary } from "../lib/hist.mjs";
import { log, pctOfCore } from "../lib/measure.mjs";
import { cpuUs, memory, ProcSampler } from "../lib/proc.mjs";
import { openSpread } from "../lib/workers.mjs";

const DEGRADED_P99_MS = 250;

export async function idleConnections(ctx, target, { steps, probeMs, sample }) {
  const { seedData } = ctx;
  const server = target.procs[0];
  await sleep(1_000);
  const rss0 = memory(server.pid).rss;
  let open = 0;
  const rows = [];
  for (const n of steps) {
    const conns = [];
    for (let i = open; i < n; i++)
      conns.push({ url: target.urls[0], token: seedData.users[i % seedData.users.length].token });
    const t0 = performance.now();
    const c0 = cpuUs(server.pid);
    const r = await openSpread(ctx.w.listeners, "idle", target.proto, conns, 50);
    const connectMs = performance.now() - t0;
    const connectCpuUs = cpuUs(server.pid) - c0;
    open += r.opened;
    if (r.failed) log(`  ${target.key}: ${r.failed} sockets failed: ${r.errors.join("; ")}`);
    await sleep(1_500);
    const sampler = new ProcSampler([server, ...ctx.w.procs()]);
    sampler.start();
    const probes = await Promise.all(
      ctx.w.listeners.map((w) =>
        w.call("probe", {
          sample: Math.ceil(sample / ctx.w.listeners.length),
          durationMs: probeMs,
          intervalMs: 1_000,
        }),
      ),
    );
    const procs = sampler.stop();
    const lat = summary(merge(probes.map((p) => p.ping)));
    const rss = memory(server.pid).rss;
    const row = {
      sockets: open,
      failed: r.failed,
      connectPerSec: Math.round((r.opened / connectMs) * 1000),
      connectCpuUsPerSocket: r.opened ? Math.round(connectCpuUs / r.opened) : null,
      ping: lat,
      serverRssMB: Math.round((rss / 1048576) * 10) / 10,
      kbPerSocket: open ? Math.round(((rss - rss0) / open / 1024) * 10) / 10 : null,
      serverCpuPctWhileIdle: procs[0].cpuPct,
      generatorCpuPct: pctOfCore(
        procs.filter((p) => p.role === "generator").reduce((a, p) => a + p.cpuUs, 0),
        probeMs + 1000,
      ),
    };
    rows.push(row);
    log(
      `  ${target.key.padEnd(7)} sockets=${String(open).padStart(5)} ping p50=${lat.p50Ms}ms p99=${lat.p99Ms}ms rss=${row.serverRssMB}MB ` +
        `(${row.kbPerSocket} KB/socket) connect ${row.connectPerSec}/s ${row.connectCpuUsPerSocket}µs cpu/socket`,
    );
    if (r.opened < conns.length * 0.99 || (lat.p99Ms ?? Infinity) > DEGRADED_P99_MS) break;
  }
  await Promise.all(ctx.w.all.map((w) => w.call("closeAll")));
  await sleep(3_000);
  return { target: target.key, baselineRssMB: Math.round((rss0 / 1048576) * 10) / 10, steps: rows };
}
