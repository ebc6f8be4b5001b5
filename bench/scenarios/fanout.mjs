// Fan-out: 1 speaker → N listeners in one channel, listeners split over the target's instances
// (the speaker is on the first), 50 frames/s of 60-byte payloads carrying the send time.
// Then a search for the largest N with 0 frames lost and p99 added latency < 50 ms.
import { setTimeout as sleep } from "node:timers/promises";
import { audioFigures, audioLogTail, log, measured } from "../lib/measure.mjs";
import { openSpread } from "../lib/workers.mjs";

const FPS = 50;
const PAYLOAD = 60;
const P99_LIMIT_MS = 50;

export async function fanout(ctx, target, { ns, durationMs, search }) {
  const { seedData } = ctx;
  const channelId = seedData.fanoutChannel;
  const sp = await ctx.w.speaker.call("open", {
    role: "speaker",
    proto: target.proto,
    conns: [{ url: target.urls[0], token: seedData.organiser.token, channelId }],
  });
  if (sp.opened !== 1) throw new Error(`speaker did not connect: ${sp.errors}`);
  let open = 0;

  /** Brings the listener count to exactly n (opening or closing sockets). */
  async function resize(n) {
    if (n > open) {
      const conns = [];
      for (let i = open; i < n; i++) {
        conns.push({
          url: target.urls[i % target.urls.length],
          token: seedData.users[i % seedData.users.length].token,
          channelId,
        });
      }
      const r = await openSpread(ctx.w.listeners, "listener", target.proto, conns);
      if (r.failed) log(`  ${target.key}: ${r.failed} listeners failed to connect: ${r.errors.join("; ")}`);
    } else if (n < open) {
      const W = ctx.w.listeners.length;
      await Promise.all(
        ctx.w.listeners.map((w, i) => w.call("trimTo", { keep: Math.floor(n / W) + (i < n % W ? 1 : 0) })),
      );
    }
    const stats = await Promise.all(ctx.w.listeners.map((w) => w.call("stats")));
    open = stats.reduce((a, s) => a + s.listeners, 0);
    await sleep(1_000);
  }

  async function runAt(n, ms) {
    await resize(n);
    const m = await measured(ctx, target, () =>
      ctx.w.speaker.call("transmit", { durationMs: ms, fps: FPS, payloadBytes: PAYLOAD }),
    );
    const sent = m.out.sent;
    const expected = sent * open;
    const lost = expected - m.received;
    const row = {
      listeners: open,
      durationS: ms / 1000,
      framesSent: sent,
      framesExpected: expected,
      framesDelivered: m.received,
      framesLost: lost,
      lossPct: expected ? Math.round((lost / expected) * 1e5) / 1e3 : 0,
      ...audioFigures(m),
    };
    row.pass =
      row.framesLost === 0 && row.unexpectedCloses === 0 && (row.latency.p99Ms ?? Infinity) < P99_LIMIT_MS;
    log(
      `  ${target.key.padEnd(7)} N=${String(open).padStart(5)} lost=${lost} ${audioLogTail(row)} rss=${row.serverRssMB}MB`,
    );
    return row;
  }

  const runs = [];
  for (const n of ns) runs.push(await runAt(n, durationMs));

  const searchRuns = [];
  let maxPassing = null;
  if (search) {
    // Grow ×1.6 from the largest passing N until a failure, then bisect; whole hundreds.
    let lo = Math.max(0, ...runs.filter((r) => r.pass).map((r) => r.listeners));
    let hi = Math.min(Infinity, ...runs.filter((r) => !r.pass).map((r) => r.listeners));
    for (let step = 0; step < search.maxSteps; step++) {
      const next = hi === Infinity ? Math.round((lo * 1.6) / 100) * 100 : Math.round((lo + hi) / 200) * 100;
      if (hi !== Infinity && (hi - lo <= Math.max(200, lo * 0.12) || next <= lo || next >= hi)) break;
      if (next > search.cap) break;
      const r = await runAt(next, search.durationMs);
      searchRuns.push(r);
      if (r.pass) lo = Math.max(lo, r.listeners);
      else hi = Math.min(hi, r.listeners);
    }
    maxPassing = { atLeast: lo, failsAt: hi === Infinity ? null : hi, capped: hi === Infinity };
    log(
      `  ${target.key}: largest N with 0 loss and p99 < ${P99_LIMIT_MS} ms: ${lo}${hi === Infinity ? ` (cap ${search.cap} or step limit reached)` : ` (fails at ${hi})`}`,
    );
  }
  await Promise.all(ctx.w.all.map((w) => w.call("closeAll")));
  await sleep(2_000);
  return { target: target.key, runs, searchRuns, maxPassing };
}
