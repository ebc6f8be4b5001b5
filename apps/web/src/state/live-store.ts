/**
 * Live state fed by the realtime connection: connection status, per-channel presence and
 * speaker, my own talk state, and the channel timelines. Server state that is fetched and
 * cached (events, channel details, members) lives in TanStack Query instead.
 */
import type { DenyReason, Message, User } from "@won/protocol";
import { create } from "zustand";
import type { SocketStatus } from "../realtime/connection";
import {
  addHistory,
  addMessages,
  addPending,
  applyAck,
  confirmPending,
  EMPTY_TIMELINE,
  failPending,
  type PendingMessage,
  type Timeline,
} from "../timeline/timeline";

export type ConnStatus = SocketStatus;

export interface LiveSpeaker {
  user: User;
  streamId: number;
  /** Epoch ms. */
  since: number;
  priority: boolean;
  /** An organiser talking to every channel of the event. */
  allCall?: true;
}

export interface ChannelLive {
  subscribed: boolean;
  online: User[];
  speaker: LiveSpeaker | null;
}

export type TalkPhase = "requesting" | "talking" | "stopping";

export interface TalkState {
  channelId: string;
  phase: TalkPhase;
  streamId?: number;
  /** Epoch ms when the floor was granted. */
  since?: number;
  maxDurationMs?: number;
  /** Set while this is an emergency hot mic. */
  alertId?: string;
}

export interface Denial {
  channelId: string;
  /**
   * The server's reason, or a local one: an insecure (http) page, no microphone, no Opus encoder
   * in this browser, or an audio start step (output, microphone, encoder) that did not finish in time.
   */
  reason:
    | DenyReason
    | "insecure_context"
    | "no_microphone"
    | "no_encoder"
    | "no_audio_output"
    | "mic_stalled"
    | "encoder_stalled";
  /** Who holds the floor, as "Display Name · @username". */
  speakerName?: string;
  at: number;
}

interface LiveState {
  status: ConnStatus;
  /** When the next reconnect attempt happens (epoch ms), while reconnecting. */
  retryAt: number | null;
  channels: Record<string, ChannelLive>;
  timelines: Record<string, Timeline>;
  talk: TalkState | null;
  denial: Denial | null;
  /** Last time (epoch ms) the floor ended for me, and why — drives the "stopped" flash. */
  lastStop: { channelId: string; reason: string; at: number } | null;
}

const EMPTY_CHANNEL: ChannelLive = { subscribed: false, online: [], speaker: null };

export const useLive = create<LiveState>(() => ({
  status: "idle",
  retryAt: null,
  channels: {},
  timelines: {},
  talk: null,
  denial: null,
  lastStop: null,
}));

const set = useLive.setState;
const get = useLive.getState;

function patchChannel(id: string, fn: (c: ChannelLive) => ChannelLive) {
  set((s) => ({ channels: { ...s.channels, [id]: fn(s.channels[id] ?? EMPTY_CHANNEL) } }));
}

function patchTimeline(id: string, fn: (t: Timeline) => Timeline) {
  set((s) => ({ timelines: { ...s.timelines, [id]: fn(s.timelines[id] ?? EMPTY_TIMELINE) } }));
}

const withUser = (list: User[], u: User) => [...list.filter((x) => x.id !== u.id), u];

/** Mutations, called by the realtime dispatcher and the talk controller — not by components. */
export const live = {
  setStatus: (status: ConnStatus, retryAt: number | null = null) => set({ status, retryAt }),
  subscribed: (id: string, online: User[], speaker: LiveSpeaker | null) =>
    patchChannel(id, () => ({ subscribed: true, online, speaker })),
  unsubscribed: (id: string) => patchChannel(id, (c) => ({ ...c, subscribed: false, speaker: null })),
  allUnsubscribed: () =>
    set((s) => ({
      channels: Object.fromEntries(
        Object.entries(s.channels).map(([k, c]) => [k, { ...c, subscribed: false, speaker: null }]),
      ),
    })),
  joined: (id: string, u: User) => patchChannel(id, (c) => ({ ...c, online: withUser(c.online, u) })),
  left: (id: string, userId: string) =>
    patchChannel(id, (c) => ({ ...c, online: c.online.filter((x) => x.id !== userId) })),
  speakerStarted: (id: string, sp: LiveSpeaker) => patchChannel(id, (c) => ({ ...c, speaker: sp })),
  speakerStopped: (id: string, streamId: number) =>
    patchChannel(id, (c) => (c.speaker?.streamId === streamId ? { ...c, speaker: null } : c)),

  messages: (id: string, msgs: Message[]) => patchTimeline(id, (t) => addMessages(t, msgs)),
  history: (id: string, msgs: Message[], hasMore: boolean, older: boolean) =>
    patchTimeline(id, (t) => addHistory(t, msgs, hasMore, older)),
  /** A message's acks so far (`message.acked`), or my own acknowledgement (`byMe`). */
  acked: (id: string, messageId: string, count: number | undefined, byMe: boolean) =>
    patchTimeline(id, (t) => applyAck(t, messageId, count, byMe)),
  pending: (id: string, p: PendingMessage) => patchTimeline(id, (t) => addPending(t, p)),
  confirm: (id: string, clientId: string, msg: Message) =>
    patchTimeline(id, (t) => confirmPending(t, clientId, msg)),
  fail: (id: string, clientId: string, error?: string) =>
    patchTimeline(id, (t) => failPending(t, clientId, "failed", error)),
  queue: (id: string, clientId: string) => patchTimeline(id, (t) => failPending(t, clientId, "queued")),
  dropChannel: (id: string) =>
    set((s) => {
      const { [id]: _c, ...channels } = s.channels;
      const { [id]: _t, ...timelines } = s.timelines;
      return { channels, timelines };
    }),

  setTalk: (talk: TalkState | null) => set({ talk }),
  deny: (d: Denial) => set({ denial: d }),
  stopped: (channelId: string, reason: string) => set({ lastStop: { channelId, reason, at: Date.now() } }),
  reset: () =>
    set({
      status: "closed",
      retryAt: null,
      channels: {},
      timelines: {},
      talk: null,
      denial: null,
      lastStop: null,
    }),
};

export const getLive = get;
export const selectChannel = (id: string) => (s: LiveState) => s.channels[id] ?? EMPTY_CHANNEL;
export const selectTimeline = (id: string) => (s: LiveState) => s.timelines[id] ?? EMPTY_TIMELINE;
