/**
 * A channel's messages over REST: history pages and text posts. Timelines are live state (the
 * socket appends to them), so these write into the live store rather than the query cache; the
 * caller marks what was fetched as seen on the socket (`SeqTracker.see`) with the returned seq.
 */
import { useCallback } from "react";
import { api } from "../../api/endpoints";
import { getSession } from "../../auth/session";
import { maxSeq, newClientId, type PendingMessage } from "../../timeline/timeline";
import { getLive, live } from "../live-store";
import { Outbox } from "../outbox";

const HISTORY_PAGE = 50;
const CATCH_UP_PAGE = 200;
const MAX_CATCH_UP_PAGES = 10;

/** Loads the newest page; resolves to the highest seq it holds. */
export async function loadNewest(channelId: string): Promise<number | undefined> {
  const h = await api.history(channelId, { limit: HISTORY_PAGE });
  live.history(channelId, h.messages, h.hasMore, false);
  return h.messages[h.messages.length - 1]?.seq;
}

/** Loads the page before the oldest message shown (the newest page if none is). */
export async function loadOlder(channelId: string): Promise<void> {
  const first = getLive().timelines[channelId]?.messages[0];
  if (!first) {
    await loadNewest(channelId);
    return;
  }
  const h = await api.history(channelId, { before: first.seq, limit: HISTORY_PAGE });
  live.history(channelId, h.messages, h.hasMore, true);
}

/**
 * Pages forward from the newest message held until the gap a reconnect could not replay is
 * closed (at most `MAX_CATCH_UP_PAGES` pages); resolves to the highest seq fetched.
 */
export async function catchUp(channelId: string): Promise<number | undefined> {
  let last: number | undefined;
  for (let i = 0; i < MAX_CATCH_UP_PAGES; i++) {
    const t = getLive().timelines[channelId];
    const after = t ? maxSeq(t) : undefined;
    if (after === undefined) return loadNewest(channelId);
    const h = await api.history(channelId, { after, limit: CATCH_UP_PAGE });
    live.history(channelId, h.messages, false, false);
    last = h.messages[h.messages.length - 1]?.seq ?? last;
    if (!h.hasMore) break;
  }
  return last;
}

/** Where texts wait for the network (see outbox.ts). */
export const outbox = new Outbox({
  post: api.postMessage,
  userId: () => getSession()?.user.id,
  online: () => typeof navigator === "undefined" || navigator.onLine !== false,
  storage: typeof localStorage === "undefined" ? null : localStorage,
  show: live,
});

/** Sending (maybe asking for acknowledgement) and retrying texts on one channel; the clientId
 *  of a retry is the original one. */
export function useSendMessage(channelId: string) {
  const send = useCallback(
    (body: string, ackRequired = false) => void outbox.submit(channelId, body, newClientId(), ackRequired),
    [channelId],
  );
  const retry = useCallback(
    (p: PendingMessage) => void outbox.send(channelId, p.body, p.clientId, p.createdAt, p.ackRequired),
    [channelId],
  );
  return { send, retry };
}
