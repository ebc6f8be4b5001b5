import { LIMITS } from "@won/protocol";
import { presentMessages } from "../../commands/messages.js";
import type { Realtime } from "../realtime.js";
import { MAX_SUBSCRIPTIONS, type Session } from "../session.js";
import type { Handler } from "./types.js";

/**
 * Subscribes the socket to a channel it is a member of. The node listens to the channel's topic
 * BEFORE reading `lastSeq` and the missed messages, and holds live events back until the replay
 * is sent, so the client gets every message exactly once and in order.
 */
export const subscribe: Handler<"subscribe"> = async (rt, session, msg) => {
  const { channelId, sinceSeq } = msg;
  const access = await rt.channelAccess(session, channelId);
  if (!access) return;
  const existing = session.subscriptions.get(channelId);
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
    const { rows, hasMore } = await rt.ctx.repos.messages.page(channelId, {
      after: sinceSeq,
      limit: LIMITS.resyncMax,
    });
    for (const message of await presentMessages(rt.ctx, rows))
      session.send({ type: "message.created", channelId, message });
    if (hasMore) session.send({ type: "resync.truncated", channelId });
    upTo = Math.max(lastSeq, rows.at(-1)?.seq ?? 0);
  }
  sub.replayedUpTo = upTo;
  const held = sub.pending ?? [];
  sub.pending = null;
  for (const e of held) if (e.seq === undefined || e.seq > upTo) session.sendBytes(e.bytes, false);
}
