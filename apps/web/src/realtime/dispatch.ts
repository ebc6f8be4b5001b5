/**
 * Routes server messages into the live store and the audio player. One function per concern,
 * dispatched from a table keyed by message type.
 */
import type { ServerMessage, ServerMessageOf } from "@won/protocol";
import { applyAccessChanged } from "../api/channel-cache";
import { qk } from "../api/queries";
import { queryClient } from "../api/query-client";
import { livePlayer } from "../audio/live-player";
import { missedQueue } from "../audio/missed-queue";
import { getSession } from "../auth/session";
import { getSettings, useSettings } from "../settings/settings-store";
import { getLive, live } from "../state/live-store";
import type { RealtimeConnection } from "./connection";

type Handlers = { [T in ServerMessage["type"]]?: (m: ServerMessageOf<T>, conn: RealtimeConnection) => void };

const handlers: Handlers = {
  subscribed: (m) => {
    const sp = m.speaker;
    const speakerUser = sp ? (sp.user ?? m.presence.find((u) => u.id === sp.userId)) : undefined;
    live.subscribed(
      m.channelId,
      m.presence,
      sp && speakerUser
        ? { user: speakerUser, streamId: sp.streamId, since: Date.parse(sp.since), priority: false }
        : null,
    );
    // A transmission already in progress: start its player so the rest of it is heard.
    if (sp && sp.userId !== getSession()?.user.id) livePlayer.start(sp.streamId, m.channelId);
  },
  unsubscribed: (m) => {
    live.unsubscribed(m.channelId);
    livePlayer.endChannel(m.channelId);
  },
  "resync.truncated": (m) => {
    // More was missed than the socket replays: the timeline pages the gap over REST.
    window.dispatchEvent(new CustomEvent("won:resync", { detail: m.channelId }));
  },
  "speaker.started": (m) => {
    live.speakerStarted(m.channelId, {
      user: m.user,
      streamId: m.streamId,
      since: Date.now(),
      priority: m.priority,
    });
    if (m.user.id !== getSession()?.user.id) livePlayer.start(m.streamId, m.channelId);
  },
  "speaker.stopped": (m, conn) => {
    live.speakerStopped(m.channelId, m.streamId);
    livePlayer.end(m.streamId, m.reason !== "released");
    if (m.message) {
      conn.seqs.markHeard(m.message.id);
      live.messages(m.channelId, [m.message]);
    }
  },
  "message.created": (m, conn) => {
    live.messages(m.channelId, [m.message]);
    if (getSettings().autoPlayMissed && conn.seqs.isMissedAudio(m.message, getSession()?.user.id)) {
      missedQueue.enqueue(m.message);
    }
  },
  "presence.joined": (m) => live.joined(m.channelId, m.user),
  "presence.left": (m) => live.left(m.channelId, m.userId),
  "channel.deleted": (m) => channelGone(m.channelId),
  "access.revoked": (m) => channelGone(m.channelId),
  "channel.updated": (m) => {
    // The event carries no per-user fields (myRole, canSpeak, abilities): refetch the channel.
    void queryClient.invalidateQueries({ queryKey: qk.channel(m.channel.id) });
    void queryClient.invalidateQueries({ queryKey: qk.channels });
    if (m.channel.eventId) void queryClient.invalidateQueries({ queryKey: qk.event(m.channel.eventId) });
  },
  "access.changed": (m) => applyAccessChanged(queryClient, m),
  error: (m) => {
    if (m.code !== "not_floor_holder") console.warn("server error", m.code, m.message);
  },
};

/** A channel was deleted or I lost access: stop its audio, drop it from lists, leave its screen. */
function channelGone(channelId: string) {
  livePlayer.endChannel(channelId);
  live.unsubscribed(channelId);
  useSettings.setState((s) => ({ monitored: s.monitored.filter((id) => id !== channelId) }));
  void queryClient.invalidateQueries({ queryKey: qk.channels });
  void queryClient.invalidateQueries({ queryKey: qk.events });
  window.dispatchEvent(new CustomEvent("won:channel-gone", { detail: channelId }));
}

export function dispatch(m: ServerMessage, conn: RealtimeConnection) {
  const h = handlers[m.type] as ((m: ServerMessage, c: RealtimeConnection) => void) | undefined;
  h?.(m, conn);
}

/** The socket went away: every live stream ends, every channel awaits resubscription. */
export function onSocketDown() {
  livePlayer.endAll();
  if (Object.keys(getLive().channels).length) live.allUnsubscribed();
}
