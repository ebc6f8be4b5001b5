// One measured window: reset the generator's counters, sample server and generator processes,
// run something, let in-flight traffic drain, and merge every worker's histograms.
import { setTimeout as sleep } from "node:timers/promises";
import { delta } from "./counters.mjs";
import { merge, summary } from "./hist.mjs";
import { cpuOf, cpuUs, ProcSampler, systemCpuUs } from "./proc.mjs";

/**
 * The machine may be shared with other jobs (test suites, builds). Before a measured window,
 * wait — at most `maxWaitMs` — for a second in which processes we did not start use less than
 * `maxForeignPct` % of one core, so figures are not taken in the middle of someone's build.
 * Returns the foreign CPU % of the last second checked and how long we waited.
 */
export async function waitForQuiet(
  pids,
  { maxWaitMs = QUIET.maxWaitMs, maxForeignPct = QUIET.maxForeignPct } = {},
) {
  const t0 = performance.now();
  let foreign = null;
  if (maxWaitMs <= 0) return { foreignPctBefore: foreign, waitedMs: 0 };
  for (;;) {
    const s0 = systemCpuUs();
    const own0 = pids.reduce((a, pid) => a + (cpuUs(pid) ?? 0), 0);
    const w0 = performance.now();
    await sleep(1_000);
    const s1 = systemCpuUs();
    const own1 = pids.reduce((a, pid) => a + (cpuUs(pid) ?? 0), 0);
    const wallUs = (performance.now() - w0) * 1000;
    foreign = Math.max(0, Math.round(((s1.busy - s0.busy - (own1 - own0)) / wallUs) * 1000) / 10);
    if (foreign <= maxForeignPct || performance.now() - t0 >= maxWaitMs) break;
  }
  return { foreignPctBefore: foreign, waitedMs: Math.round(performance.now() - t0) };
}

/** Set by run.mjs from the plan. */
export const QUIET = { maxWaitMs: 20_000, maxForeignPct: 50 };
/** How long in-flight traffic may drain after a window (a scenario may ask for longer); set by run.mjs. */
export const DRAIN = { ms: 1_500 };

export async function measured(ctx, target, run, { drainMs = DRAIN.ms } = {}) {
  const mine = [...target.procs, ...ctx.aux, ...ctx.w.procs()];
  const quiet = await waitForQuiet([process.pid, ...mine.map((p) => p.pid)]);
  await Promise.all(ctx.w.all.map((w) => w.call("reset")));
  const ops0 = await ctx.counters.read();
  const sampler = new ProcSampler(mine);
  sampler.start();
  const t0 = performance.now();
  const w0 = monoUs();
  const out = await run();
  await sleep(drainMs);
  const procs = sampler.stop();
  const w1 = monoUs();
  const ops = delta(ops0, await ctx.counters.read());
  const wallMs = performance.now() - t0;
  const stats = await Promise.all(ctx.w.all.map((w) => w.call("stats")));
  const sum = (k) => stats.reduce((a, s) => a + s[k], 0);
  const ownUs = procs.reduce((a, p) => a + p.cpuUs, 0);
  return {
    out,
    wallMs: Math.round(wallMs),
    /** CLOCK_MONOTONIC µs, the time base of V8 CPU profiles: `profile-top.mjs FILE N "" FROM TO`. */
    windowUs: [w0, w1],
    machineBusyPct: sampler.machineBusyPct,
    /** MariaDB statements and Redis commands executed during the window (all targets share Redis). */
    ops,
    quiet,
    /** CPU used by processes this benchmark does not own (other jobs on the machine), % of one core. */
    foreignCpuPct: Math.max(
      0,
      Math.round((sampler.machineBusyPct - (ownUs / (wallMs * 1000)) * 100) * 10) / 10,
    ),
    procs,
    serverCpuUs: cpuOf(procs, "server"),
    redisCpuUs: cpuOf(procs, "redis"),
    dbCpuUs: cpuOf(procs, "db"),
    generatorCpuUs: cpuOf(procs, "generator"),
    received: sum("received"),
    chatReceived: sum("chatReceived"),
    unexpectedCloses: sum("unexpectedCloses"),
    badFrames: sum("badFrames"),
    serverErrors: sum("serverErrors"),
    notes: stats.reduce((a, s) => {
      for (const [k, v] of Object.entries(s.notes)) a[k] = (a[k] ?? 0) + v;
      return a;
    }, {}),
    audio: summary(merge(stats.map((s) => s.audio))),
    chat: summary(merge(stats.map((s) => s.chat))),
  };
}

/** Server processes' RSS (MB) summed, and per process. */
const monoUs = () => Math.round(Number(process.hrtime.bigint()) / 1000);

export const serverRss = (procs) =>
  Math.round(procs.filter((p) => p.role === "server").reduce((a, p) => a + p.rssMB, 0) * 10) / 10;

export const pctOfCore = (us, wallMs) => Math.round((us / (wallMs * 1000)) * 1000) / 10;

const round2 = (x) => Math.round(x * 100) / 100;

/** The figures every audio window reports (fan-out, many channels), from a `measured` result. */
export function audioFigures(m) {
  return {
    latency: m.audio,
    cpuUsPerFrame: m.received ? round2(m.serverCpuUs / m.received) : null,
    cpuUsPerFrameInclRedis: m.received ? round2((m.serverCpuUs + m.redisCpuUs) / m.received) : null,
    serverCpuPct: pctOfCore(m.serverCpuUs, m.wallMs),
    redisCpuPct: pctOfCore(m.redisCpuUs, m.wallMs),
    generatorCpuPct: pctOfCore(m.generatorCpuUs, m.wallMs),
    foreignCpuPct: m.foreignCpuPct,
    waitedForQuietMs: m.quiet.waitedMs,
    redisCommandsPerFrameIn: m.out.sent ? round2(m.ops.redisCommands / m.out.sent) : null,
    dbStatements: m.ops.dbStatements,
    serverRssMB: serverRss(m.procs),
    unexpectedCloses: m.unexpectedCloses,
    notes: m.notes,
    speakerLateTicks: m.out.lateTicks,
    stopErrors: m.out.stopErrors,
    procs: m.procs,
    windowUs: m.windowUs,
  };
}

/** The tail of an audio window's log line: latency, CPU shares and anything unusual. */
export const audioLogTail = (row) =>
  `p50=${row.latency.p50Ms}ms p99=${row.latency.p99Ms}ms max=${row.latency.maxMs}ms ` +
  `cpu/frame=${row.cpuUsPerFrame}µs server=${row.serverCpuPct}% redis=${row.redisCpuPct}% gen=${row.generatorCpuPct}% other=${row.foreignCpuPct}%` +
  (Object.keys(row.notes).length ? ` ${JSON.stringify(row.notes)}` : "");

export const log = (...a) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
