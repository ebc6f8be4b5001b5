/**
 * Keeps a channel live while a screen shows it: subscribes on the socket (monitored channels stay
 * subscribed after the screen closes), loads the newest history page once, and pages over REST
 * whatever a reconnect could not replay (`resync.truncated`).
 */
import { useEffect } from "react";
import { api } from "../api/endpoints";
import { connection } from "../realtime/realtime";
import { getSettings } from "../settings/settings-store";
import { getLive, live } from "../state/live-store";
import { maxSeq } from "../timeline/timeline";

const HISTORY_PAGE = 50;
const MAX_CATCH_UP_PAGES = 10;

export async function loadNewest(channelId: string) {
  const h = await api.history(channelId, { limit: HISTORY_PAGE });
  live.history(channelId, h.messages, h.hasMore, false);
  const last = h.messages[h.messages.length - 1];
  if (last) connection.seqs.see(channelId, last.seq);
}

export async function loadOlder(channelId: string) {
  const first = getLive().timelines[channelId]?.messages[0];
  if (!first) return loadNewest(channelId);
  const h = await api.history(channelId, { before: first.seq, limit: HISTORY_PAGE });
  live.history(channelId, h.messages, h.hasMore, true);
}

/** Pages forward from the newest message we have until the gap is closed. */
export async function catchUp(channelId: string) {
  for (let i = 0; i < MAX_CATCH_UP_PAGES; i++) {
    const t = getLive().timelines[channelId];
    const after = t ? maxSeq(t) : undefined;
    if (after === undefined) return loadNewest(channelId);
    const h = await api.history(channelId, { after, limit: 200 });
    live.history(channelId, h.messages, false, false);
    const last = h.messages[h.messages.length - 1];
    if (last) connection.seqs.see(channelId, last.seq);
    if (!h.hasMore) return;
  }
}

export function useChannelFeed(channelId: string) {
  useEffect(() => {
    connection.subscribe(channelId);
    if (!getLive().timelines[channelId]?.loaded) void loadNewest(channelId).catch(() => {});
    const onResync = (e: Event) => {
      if ((e as CustomEvent<string>).detail === channelId) void catchUp(channelId).catch(() => {});
    };
    window.addEventListener("won:resync", onResync);
    return () => {
      window.removeEventListener("won:resync", onResync);
      if (!getSettings().monitored.includes(channelId)) connection.unsubscribe(channelId);
    };
  }, [channelId]);
}
