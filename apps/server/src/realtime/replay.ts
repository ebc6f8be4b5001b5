/**
 * The replay half of `subscribe`: the messages a socket missed, then the live events held back
 * while they were read. Bounded, since one small message can ask for many large ones: history is
 * read only within the user's history rate (shared with REST history pages), at most
 * `LIMITS.resyncMax` messages, and the bytes replayed per socket are metered
 * (`Connection.replayBudget`); past any limit the client gets `resync.truncated` and pages the
 * REST history instead.
 */
import { LIMITS } from "@won/protocol";
import { presentMessages } from "../commands/messages.js";
import type { AppContext } from "../context.js";
import type { Connection } from "./connection.js";

/** Sends the messages after `sinceSeq` (at most LIMITS.resyncMax), then the held live events,
 *  skipping a held `message.created` the replay already sent. */
export async function replayMissed(
  ctx: AppContext,
  conn: Connection,
  channelId: string,
  sinceSeq: number | undefined,
  lastSeq: number,
): Promise<void> {
  const sub = conn.subscriptions.get(channelId);
  if (!sub) return;
  let upTo = lastSeq;
  if (sinceSeq !== undefined && sinceSeq < lastSeq) {
    const page = (await allowHistoryRead(ctx, conn.userId))
      ? await ctx.repos.messages.page(channelId, { after: sinceSeq, limit: LIMITS.resyncMax })
      : null;
    let truncated = page === null || page.hasMore;
    for (const message of page ? await presentMessages(ctx, page.rows, conn.userId) : []) {
      const bytes = Buffer.from(JSON.stringify({ type: "message.created", channelId, message }));
      if (!conn.replayBudget.take(bytes.length)) {
        truncated = true;
        break;
      }
      conn.sendBytes(bytes, false);
    }
    if (truncated) conn.send({ type: "resync.truncated", channelId });
    upTo = Math.max(lastSeq, page?.rows.at(-1)?.seq ?? 0);
  }
  sub.replayedUpTo = upTo;
  const held = sub.pending ?? [];
  sub.pending = null;
  for (const e of held) if (e.seq === undefined || e.seq > upTo) conn.sendBytes(e.bytes, false);
}

/** Counts a history read against the user's rate (shared with REST history pages). */
async function allowHistoryRead(ctx: AppContext, userId: string): Promise<boolean> {
  const rule = ctx.config.rates.historyPerUser;
  return (await ctx.engines.rateLimiter.hit(`history:user:${userId}`, rule.limit, rule.windowMs)).allowed;
}
