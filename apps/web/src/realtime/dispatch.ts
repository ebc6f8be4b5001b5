/**
 * Routes server messages to what they change: the live store (presence, speakers, timelines),
 * the live audio player, the query cache (through state/queries), and typed realtime events for
 * screens. One function per message type, dispatched from a table keyed by type. Every target is
 * a dependency, so the table is tested with stand-ins; realtime.ts wires the app's own.
 */
import type { ServerMessage, ServerMessageOf } from "@won/protocol";
import type { alertsStore } from "../alerts/alerts-store";
import type { LiveSpeaker, live as liveActions } from "../state/live-store";
import type { RealtimeCache } from "../state/queries/realtime-cache";
import type { RealtimeEmitter } from "./realtime-events";
import type { SeqTracker } from "./seq-tracker";

export interface DispatchDeps {
  live: Pick<
    typeof liveActions,
    | "subscribed"
    | "unsubscribed"
    | "allUnsubscribed"
    | "speakerStarted"
    | "speakerStopped"
    | "messages"
    | "acked"
    | "joined"
    | "left"
  >;
  /** Whether any channel has live state (so a socket loss has something to reset). */
  hasLiveChannels: () => boolean;
  player: {
    start(streamId: number, channelId: string, userId?: string): void;
    end(streamId: number, cut: boolean): void;
    endChannel(channelId: string): void;
    endAll(): void;
  };
  /** Missed transmissions to play by themselves, when the user turned auto-play on. */
  missed: { enqueue(m: ServerMessageOf<"message.created">["message"]): void };
  autoPlayMissed: () => boolean;
  cache: RealtimeCache;
  events: RealtimeEmitter;
  /** The signed-in user's id: their own speaker events start no player. */
  selfId: () => string | undefined;
  /** A channel that is gone stops being monitored. */
  forgetMonitored: (channelId: string) => void;
  /** Emergency alerts and their live hot mics. */
  alerts: Pick<typeof alertsStore, "seed" | "upsert" | "hotStarted" | "streamEnded" | "allStreamsEnded">;
}

/** The connection as the handlers see it: only its seq bookkeeping. */
export interface DispatchConnection {
  readonly seqs: Pick<SeqTracker, "markHeard" | "isMissedAudio">;
}

type Handlers = {
  [T in ServerMessage["type"]]?: (m: ServerMessageOf<T>, conn: DispatchConnection) => void;
};

export interface Dispatcher {
  dispatch(m: ServerMessage, conn: DispatchConnection): void;
  /** The socket went away: every live stream ends, every channel awaits resubscription. */
  socketDown(): void;
}

/** Emergency alerts: every (re)connect's `ready` re-seeds the book, so no alert is missed. */
function alertHandlers(d: DispatchDeps): Handlers {
  return {
    ready: (m) => d.alerts.seed(m.openAlerts),
    "alert.raised": (m) => {
      d.alerts.upsert(m.alert);
      d.cache.alertChanged(m.alert);
    },
    "alert.updated": (m) => {
      d.alerts.upsert(m.alert);
      d.cache.alertChanged(m.alert);
    },
  };
}

/** Transmissions: who holds which floors, and the player of every stream not my own. */
function speakerHandlers(d: DispatchDeps): Handlers {
  return {
    "speaker.started": (m) => {
      const speaker: LiveSpeaker = {
        user: m.user,
        streamId: m.streamId,
        since: Date.now(),
        priority: m.priority,
        ...(m.scope === "event" ? { allCall: true as const } : {}),
      };
      // An all-call or a patched transmission holds the floor of several channels: each shows it.
      for (const id of m.channelIds ?? [m.channelId]) d.live.speakerStarted(id, speaker);
      // A hot mic reaches staff on channels they are not subscribed to, and a direct call its two
      // users wherever they are: it is played all the same (the player does not ask about
      // subscriptions). A hot mic is also marked live on its alert.
      if (m.emergency && m.alertId)
        d.alerts.hotStarted(m.alertId, { streamId: m.streamId, channelId: m.channelId, userId: m.user.id });
      if (m.user.id !== d.selfId()) d.player.start(m.streamId, m.channelId, m.user.id);
    },
    "speaker.stopped": (m, conn) => {
      for (const id of m.channelIds ?? [m.channelId]) d.live.speakerStopped(id, m.streamId);
      d.alerts.streamEnded(m.streamId);
      d.player.end(m.streamId, m.reason !== "released");
      if (m.message) {
        conn.seqs.markHeard(m.message.id);
        d.live.messages(m.channelId, [m.message]);
      }
    },
  };
}

export function createDispatcher(d: DispatchDeps): Dispatcher {
  /** A channel was deleted or I lost access: stop its audio, drop it from lists, close its screen. */
  const channelGone = (channelId: string, reason: "deleted" | "revoked") => {
    d.player.endChannel(channelId);
    d.live.unsubscribed(channelId);
    d.forgetMonitored(channelId);
    d.cache.channelGone(channelId);
    d.events.emit("channel.gone", { channelId, reason });
  };

  const handlers: Handlers = {
    ...alertHandlers(d),
    ...speakerHandlers(d),
    subscribed: (m) => {
      const sp = m.speaker;
      const speakerUser = sp ? (sp.user ?? m.presence.find((u) => u.id === sp.userId)) : undefined;
      const speaker: LiveSpeaker | null =
        sp && speakerUser
          ? { user: speakerUser, streamId: sp.streamId, since: Date.parse(sp.since), priority: false }
          : null;
      d.live.subscribed(m.channelId, m.presence, speaker);
      // A transmission already in progress: start its player so the rest of it is heard.
      if (sp && sp.userId !== d.selfId()) d.player.start(sp.streamId, m.channelId, sp.userId);
    },
    unsubscribed: (m) => {
      d.live.unsubscribed(m.channelId);
      d.player.endChannel(m.channelId);
    },
    "resync.truncated": (m) => d.events.emit("channel.resync", { channelId: m.channelId }),
    "message.created": (m, conn) => {
      d.live.messages(m.channelId, [m.message]);
      if (d.autoPlayMissed() && conn.seqs.isMissedAudio(m.message, d.selfId())) d.missed.enqueue(m.message);
    },
    "message.acked": (m) => {
      d.live.acked(m.channelId, m.messageId, m.count, m.userId === d.selfId());
      d.cache.messageAcked(m.messageId);
    },
    "presence.joined": (m) => d.live.joined(m.channelId, m.user),
    "presence.left": (m) => d.live.left(m.channelId, m.userId),
    "channel.deleted": (m) => channelGone(m.channelId, "deleted"),
    "access.revoked": (m) => channelGone(m.channelId, "revoked"),
    "channel.updated": (m) => d.cache.channelUpdated(m.channel),
    "access.changed": (m) => d.cache.accessChanged(m),
    "patch.created": (m) => d.cache.patchesChanged(m.patch.eventId),
    "patch.updated": (m) => d.cache.patchesChanged(m.patch.eventId),
    "patch.deleted": (m) => d.cache.patchesChanged(m.eventId),
    error: (m) => {
      if (m.code !== "not_floor_holder") console.warn("server error", m.code, m.message);
    },
  };

  return {
    dispatch(m, conn) {
      const h = handlers[m.type] as ((m: ServerMessage, c: DispatchConnection) => void) | undefined;
      h?.(m, conn);
    },
    socketDown() {
      d.player.endAll();
      d.alerts.allStreamsEnded();
      if (d.hasLiveChannels()) d.live.allUnsubscribed();
    },
  };
}
