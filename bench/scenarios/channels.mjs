// Many channels: C channels × (1 speaker + 5 listeners) at once, speakers and listeners spread over
// the target's instances, every speaker at 50 frames/s of 60 bytes.
import { setTimeout as sleep } from "node:timers/promises";
import { audioFigures, audioLogTail, log, measured } from "../lib/measure.mjs";
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
    ...audioFigures(m),
  };
  log(`  ${target.key.padEnd(7)} ${ids.length} ch: lost=${row.framesLost}/${expected} ${audioLogTail(row)}`);
  await Promise.all(ctx.w.all.map((w) => w.call("closeAll")));
  await sleep(2_000);
  return { target: target.key, ...row };
}
