/**
 * Keeps a channel live while a screen shows it: subscribes on the socket (monitored channels stay
 * subscribed after the screen closes), loads the newest history page once, and pages over REST
 * whatever a reconnect could not replay (`channel.resync`). What is fetched is marked as seen on
 * the socket, so a resubscribe asks only for what came after it.
 */
import { useEffect } from "react";
import { connection } from "../realtime/realtime";
import { getSettings } from "../settings/settings-store";
import { getLive, useLive } from "../state/live-store";
import { catchUp, loadNewest } from "../state/queries/messages";
import { useRealtimeEvent } from "./useRealtimeEvent";

const markSeen = (channelId: string) => (seq: number | undefined) => {
  if (seq !== undefined) connection.seqs.see(channelId, seq);
};

export function useChannelFeed(channelId: string) {
  useEffect(() => {
    connection.subscribe(channelId);
    const loadIfMissing = () => {
      if (getLive().timelines[channelId]?.loaded) return;
      void loadNewest(channelId)
        .then(markSeen(channelId))
        .catch(() => {});
    };
    loadIfMissing();
    // Opened offline (a saved copy, or nothing): the history loads once the connection is back.
    const stop = useLive.subscribe((s, prev) => {
      if (s.status === "open" && prev.status !== "open") loadIfMissing();
    });
    return () => {
      stop();
      if (!getSettings().monitored.includes(channelId)) connection.unsubscribe(channelId);
    };
  }, [channelId]);

  useRealtimeEvent("channel.resync", (e) => {
    if (e.channelId === channelId)
      void catchUp(channelId)
        .then(markSeen(channelId))
        .catch(() => {});
  });
}
