import { LIMITS } from "@won/protocol";
import { presentMessages } from "../../commands/messages.js";
import type { Realtime } from "../realtime.js";
import { MAX_SUBSCRIPTIONS, type Session } from "../session.js";
import type { Handler } from "./types.js";

/**
 * Subscribes the socket to a channel it is a member of. The node listens to the channel's topic
 * BEFORE reading `lastSeq` and the missed messages, and holds live events back until the replay
 * is sent, so the client gets every message exactly once and in order.
 *
 * Replays are bounded, since one small message can ask for many large ones: a re-subscribe of a
 * channel this socket already follows replays only what came after its previous subscribe
 * (the rest reached it live), a replay reads history only within the user's history rate, and
 * the bytes replayed per socket are metered; past either limit the client gets
 * `resync.truncated` and pages the REST history instead.
 */
export const subscribe: Handler<"subscribe"> = async (rt, session, msg) => {
  const { channelId } = msg;
  const access = await rt.channelAccess(session, channelId);
  if (!access) return;
  const existing = session.subscriptions.get(channelId);
  let sinceSeq = msg.sinceSeq;
  if (!existing) {
    if (session.subscriptions.size >= MAX_SUBSCRIPTIONS) {
      session.error("conflict", `At most ${MAX_SUBSCRIPTIONS} channels per connection`, channelId);
      return;
    }
    session.subscriptions.set(channelId, { pending: [], replayedUpTo: 0 });
    await rt.hub.add(channelId, session);
    await rt.join(session, channelId);
  } else {
    existing.pending ??= [];
    if (sinceSeq !== undefined) sinceSeq = Math.max(sinceSeq, existing.replayedUpTo);
  }
  const state = await rt.channelState(channelId);
  if (!state) return;
  session.send({
    type: "subscribed",
    channelId,
    lastSeq: state.lastSeq,
    presence: state.online,
    speaker: state.speaker,
  });
  await replay(rt, session, channelId, sinceSeq, state.lastSeq);
};

/** Sends the messages after `sinceSeq` (at most LIMITS.resyncMax), then the held live events. */
async function replay(
  rt: Realtime,
  session: Session,
  channelId: string,
  sinceSeq: number | undefined,
  lastSeq: number,
) {
  const sub = session.subscriptions.get(channelId);
  if (!sub) return;
  let upTo = lastSeq;
  if (sinceSeq !== undefined && sinceSeq < lastSeq) {
    const page = (await rt.allowHistoryRead(session.userId))
      ? await rt.ctx.repos.messages.page(channelId, { after: sinceSeq, limit: LIMITS.resyncMax })
      : null;
    let truncated = page === null || page.hasMore;
    for (const message of page ? await presentMessages(rt.ctx, page.rows) : []) {
      const bytes = Buffer.from(JSON.stringify({ type: "message.created", channelId, message }));
      if (!session.replayBudget.take(bytes.length)) {
        truncated = true;
        break;
      }
      session.sendBytes(bytes, false);
    }
    if (truncated) session.send({ type: "resync.truncated", channelId });
    upTo = Math.max(lastSeq, page?.rows.at(-1)?.seq ?? 0);
  }
  sub.replayedUpTo = upTo;
  const held = sub.pending ?? [];
  sub.pending = null;
  for (const e of held) if (e.seq === undefined || e.seq > upTo) session.sendBytes(e.bytes, false);
}
