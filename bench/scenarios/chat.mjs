// Chat: text messages POSTed over REST at increasing rates (open loop), each delivered to 10
// listeners (5 per instance). Accepted/s, REST and end-to-end latency, and — for Operation Won —
// a check that every accepted message is in the channel history.
import { setTimeout as sleep } from "node:timers/promises";
import { merge, summary } from "../lib/hist.mjs";
import { log, measured, pctOfCore } from "../lib/measure.mjs";
import { api } from "../lib/stack.mjs";
import { openSpread } from "../lib/workers.mjs";

const LISTENERS = 10;

export async function chat(ctx, target, { rates, durationMs }) {
  const { seedData } = ctx;
  const channelId = seedData.chatChannel;
  const conns = Array.from({ length: LISTENERS }, (_, i) => ({
    url: target.urls[i % target.urls.length],
    token: seedData.users[i % seedData.users.length].token,
    channelId,
  }));
  await openSpread(ctx.w.listeners, "listener", target.proto, conns);
  await sleep(500);
  const rows = [];
  for (const rate of rates) {
    const m = await measured(
      ctx,
      target,
      () =>
        ctx.w.speaker.call("post", {
          base: target.bases[0],
          token: seedData.organiser.token,
          channelId,
          rate,
          durationMs,
        }),
      { drainMs: 2_000 },
    );
    const o = m.out;
    const accepted = (o.statuses[201] ?? 0) + (o.statuses[200] ?? 0);
    const row = {
      offeredPerSec: rate,
      offered: o.offered,
      accepted,
      acceptedPerSec: Math.round(accepted / (durationMs / 1000)),
      notSent: o.skipped,
      statuses: o.statuses,
      restLatency: summary(merge([o.rtt])),
      deliveriesExpected: accepted * LISTENERS,
      deliveries: m.chatReceived,
      e2eLatency: m.chat,
      serverCpuPct: pctOfCore(m.serverCpuUs, m.wallMs),
      dbCpuPct: pctOfCore(m.dbCpuUs, m.wallMs),
      redisCpuPct: pctOfCore(m.redisCpuUs, m.wallMs),
      generatorCpuPct: pctOfCore(m.generatorCpuUs, m.wallMs),
      foreignCpuPct: m.foreignCpuPct,
      cpuUsPerMessage: accepted ? Math.round(m.serverCpuUs / accepted) : null,
      dbCpuUsPerMessage: accepted ? Math.round(m.dbCpuUs / accepted) : null,
      windowUs: m.windowUs,
      dbStatementsPerMessage:
        accepted && target.key === "ours" ? Math.round((m.ops.dbStatements / accepted) * 10) / 10 : null,
      redisCommandsPerMessage: accepted ? Math.round((m.ops.redisCommands / accepted) * 10) / 10 : null,
      ids: o.ids,
    };
    rows.push(row);
    log(
      `  ${target.key.padEnd(7)} ${rate}/s: accepted ${row.acceptedPerSec}/s (${accepted}/${o.offered}) delivered ${m.chatReceived}/${row.deliveriesExpected} ` +
        `rest p99=${row.restLatency.p99Ms}ms e2e p50=${m.chat.p50Ms}ms p99=${m.chat.p99Ms}ms server=${row.serverCpuPct}% db=${row.dbCpuPct}% ${row.cpuUsPerMessage}µs/msg ${row.dbStatementsPerMessage} SQL/msg ${row.redisCommandsPerMessage} redis/msg other=${row.foreignCpuPct}%`,
    );
    if (accepted < o.offered * 0.95 || (m.chat.p99Ms ?? Infinity) > 1_000) break;
  }
  if (target.key === "ours") {
    // Every accepted message must be in the history, exactly once.
    const seen = new Map();
    let after = 0;
    for (;;) {
      const page = await api(
        target.bases[1] ?? target.bases[0],
        "GET",
        `/channels/${channelId}/messages?after=${after}&limit=200`,
        { token: seedData.users[0].token },
      );
      for (const msg of page.messages) seen.set(msg.id, (seen.get(msg.id) ?? 0) + 1);
      if (!page.hasMore || page.messages.length === 0) break;
      after = page.messages.at(-1).seq;
    }
    for (const row of rows) {
      row.missingFromHistory = row.ids.filter((id) => !seen.has(id)).length;
      row.duplicatedInHistory = row.ids.filter((id) => seen.get(id) > 1).length;
    }
    log(
      `  ours: history holds ${seen.size} messages; missing accepted: ${rows.map((r) => r.missingFromHistory).join(", ")}`,
    );
  }
  for (const row of rows) delete row.ids;
  await Promise.all(ctx.w.all.map((w) => w.call("closeAll")));
  await sleep(1_000);
  return { target: target.key, rows };
}
