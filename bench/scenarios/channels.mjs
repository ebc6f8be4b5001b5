// Many channels: C channels × (1 speaker + 5 listeners) at once, speakers and listeners spread over
// the target's instances, every speaker at 50 frames/s of 60 bytes.
import { setTimeout as sleep } from "node:timers/promises";
import { log, measured, pctOfCore, serverRss } from "../lib/measure.mjs";
import { openSpread } from "../lib/workers.mjs";

const PER_CHANNEL = 5;

export async function manyChannels(ctx, target, { channels, durationMs }) {
  const { seedData } = ctx;
  const ids = seedData.manyChannelIds.slice(0, channels);
  const u = target.urls;
  const sp = await ctx.w.speaker.call("open", {
    role: "speaker",
    proto: target.proto,
    conns: ids.map((channelId, i) => ({ url: u[i % u.length], token: seedData.organiser.token, channelId })),
    concurrency: 20,
  });
  const conns = [];
  ids.forEach((channelId, i) => {
    for (let j = 0; j < PER_CHANNEL; j++) {
      conns.push({
        url: u[(i + j) % u.length],
        token: seedData.manyUsers[(i * PER_CHANNEL + j) % seedData.manyUsers.length].token,
        channelId,
      });
    }
  });
  const ls = await openSpread(ctx.w.listeners, "listener", target.proto, conns);
  if (sp.failed || ls.failed)
    log(
      `  ${target.key}: failed speakers ${sp.failed}, listeners ${ls.failed}: ${[...sp.errors, ...ls.errors].join("; ")}`,
    );
  await sleep(1_000);
  const m = await measured(
    ctx,
    target,
    () => ctx.w.speaker.call("transmit", { durationMs, fps: 50, payloadBytes: 60 }),
    { drainMs: 2_000 },
  );
  const expected = m.out.perSpeaker * ls.opened; // every listener's channel has one speaker
  const row = {
    channels: ids.length,
    speakers: sp.opened,
    listeners: ls.opened,
    framesSent: m.out.sent,
    framesExpected: expected,
    framesDelivered: m.received,
    framesLost: expected - m.received,
    latency: m.audio,
    cpuUsPerFrame: m.received ? Math.round((m.serverCpuUs / m.received) * 100) / 100 : null,
    cpuUsPerFrameInclRedis: m.received
      ? Math.round(((m.serverCpuUs + m.redisCpuUs) / m.received) * 100) / 100
      : null,
    serverCpuPct: pctOfCore(m.serverCpuUs, m.wallMs),
    redisCpuPct: pctOfCore(m.redisCpuUs, m.wallMs),
    generatorCpuPct: pctOfCore(m.generatorCpuUs, m.wallMs),
    foreignCpuPct: m.foreignCpuPct,
    waitedForQuietMs: m.quiet.waitedMs,
    redisCommandsPerFrameIn: m.out.sent ? Math.round((m.ops.redisCommands / m.out.sent) * 100) / 100 : null,
    dbStatements: m.ops.dbStatements,
    serverRssMB: serverRss(m.procs),
    unexpectedCloses: m.unexpectedCloses,
    notes: m.notes,
    speakerLateTicks: m.out.lateTicks,
    stopErrors: m.out.stopErrors,
    procs: m.procs,
    windowUs: m.windowUs,
  };
  log(
    `  ${target.key.padEnd(7)} ${ids.length} ch: lost=${row.framesLost}/${expected} p50=${m.audio.p50Ms}ms p99=${m.audio.p99Ms}ms max=${m.audio.maxMs}ms ` +
      `cpu/frame=${row.cpuUsPerFrame}µs server=${row.serverCpuPct}% redis=${row.redisCpuPct}% gen=${row.generatorCpuPct}% other=${row.foreignCpuPct}%${Object.keys(m.notes).length ? ` ${JSON.stringify(m.notes)}` : ""}`,
  );
  await Promise.all(ctx.w.all.map((w) => w.call("closeAll")));
  await sleep(2_000);
  return { target: target.key, ...row };
}
