/**
 * What the talk panel shows, as a pure function of the live state and the clock. The talk
 * controller (talk-controller.ts) is the one state machine of a transmission; this only reads its
 * published state (`talk`, `denial`, `lastStop`) beside the channel's speaker, the connection and
 * the abilities, so every branch of the panel is a unit test and the component just renders.
 */
import type { ChannelAbilities, Message, User } from "@won/protocol";
import type { PttMode } from "../settings/settings-store";
import type { Denial, LiveSpeaker, TalkState } from "../state/live-store";
import { userLabel } from "../users/user-name";
import { insecureContextText } from "./secure-context";
import { talkAvailability } from "./talk-availability";

/** How long a denial or a cut transmission stays on screen. */
export const FEEDBACK_SHOW_MS = 2_500;
/** The last seconds of the longest allowed transmission are counted down. */
export const COUNTDOWN_FROM_MS = 10_000;

export interface TalkPanelState {
  /** The channel's abilities: `talk` enables the button, `interrupt` offers priority. */
  abilities: Pick<ChannelAbilities, "talk" | "interrupt">;
  connected: boolean;
  subscribed: boolean;
  /** My transmission on this channel, if any. */
  talk: TalkState | null;
  /** I am transmitting on another channel. */
  talkingElsewhere: boolean;
  /** Who holds this channel's floor. */
  speaker: LiveSpeaker | null;
  /** The last refusal of my request on this channel. */
  denial: Denial | null;
  /** The last end of my transmission on this channel, and why. */
  lastStop: { reason: string; at: number } | null;
  pttMode: PttMode;
  pttKey: string;
  /** A missed transmission being replayed now (the auto-play queue), if any. */
  replay?: Pick<Message, "createdAt" | "sender"> | null;
  /** A touch screen without hover: no keyboard hint. */
  touch?: boolean;
  /** The browser keeps sound off until a tap: the first tap on the panel turns it on, not the mic. */
  soundOff?: boolean;
}

/** The button's `data-state` (end-to-end tests read it). */
export type TalkButtonState = "talking" | "requesting" | "denied" | "busy" | "idle";

export type TalkStatus =
  | {
      kind: "on-air";
      elapsedMs: number /** Whole seconds left, in the last stretch only. */;
      countdownS: number | null;
      /** Toggle mode: the microphone stays open without a finger on the button. */
      latched: boolean;
    }
  | { kind: "cut"; reason: string; text: string }
  | { kind: "denied"; reason: Denial["reason"]; text: string }
  /** `allCall`: an organiser talking to the whole event. */
  | { kind: "speaker"; user: User; allCall?: true }
  /** A missed transmission replayed now: "Replay · 14:02 · Olivia". */
  | { kind: "replay"; text: string }
  | { kind: "clear" };

export type TalkHint =
  | { kind: "offline" }
  | { kind: "elsewhere" }
  | { kind: "key"; key: string; hold: boolean }
  /** A touch screen: there is no key to press. */
  | { kind: "none" };

export interface TalkPanelView {
  state: TalkButtonState;
  status: TalkStatus;
  /** The status line's colour: my transmission, a refusal or cut, someone live, or clear. */
  tone: "me" | "denied" | "live" | "replay" | "clear";
  /** The button's big word. */
  title: "On air" | "LIVE" | "Busy" | "Talk";
  /** On air in toggle mode, with nothing held: the button pulses so it is not forgotten. */
  latched: boolean;
  /** What the button does now ("Hold to talk", "Release to stop", "Connecting…"); an SOS hot mic says it closes by itself. */
  action: string;
  /** Why the button is disabled, or null when it is not. */
  disabledReason: string | null;
  /** The small line under the big word: the action, or why there is none ("Offline"). */
  sub: string;
  /** A press reaches the server now (connected, subscribed, not on air elsewhere). */
  enabled: boolean;
  offerPriority: boolean;
  /** The input level meter shows while on air. */
  meter: boolean;
  hint: TalkHint;
  /** The first tap turns sound on and does not transmit. */
  unlockFirst: boolean;
}

export function talkPanelView(s: TalkPanelState, now: number): TalkPanelView {
  const { mayTalk, enabled, offerPriority } = talkAvailability(s.abilities, {
    connected: s.connected,
    subscribed: s.subscribed,
    talkingElsewhere: s.talkingElsewhere,
  });
  const talking = s.talk?.phase === "talking";
  const denial = s.denial && now - s.denial.at < FEEDBACK_SHOW_MS ? s.denial : null;
  const cut =
    s.lastStop && s.lastStop.reason !== "released" && now - s.lastStop.at < FEEDBACK_SHOW_MS
      ? s.lastStop
      : null;

  const state: TalkButtonState = talking
    ? "talking"
    : s.talk
      ? "requesting"
      : denial
        ? "denied"
        : s.speaker
          ? "busy"
          : "idle";

  let status: TalkStatus;
  if (talking) status = onAir(s.talk!, now, s.pttMode === "toggle");
  else if (cut) status = { kind: "cut", reason: cut.reason, text: cutText(cut.reason) };
  else if (denial) status = { kind: "denied", reason: denial.reason, text: denialText(denial) };
  else if (s.speaker)
    status = {
      kind: "speaker",
      user: s.speaker.user,
      ...(s.speaker.allCall ? { allCall: true as const } : {}),
    };
  else if (s.replay) status = { kind: "replay", text: replayText(s.replay) };
  else status = { kind: "clear" };

  const toggle = s.pttMode === "toggle";
  // No connection: the button is visibly off (a transmission under way still ends normally).
  const offline = !s.connected && !talking && !s.talk;
  const unlockFirst = Boolean(s.soundOff) && !s.talk && enabled;
  const action = talking
    ? s.talk?.alertId
      ? "SOS microphone — closes by itself"
      : toggle
        ? "Tap to stop"
        : "Release to stop"
    : s.talk
      ? "Connecting…"
      : state === "busy"
        ? offerPriority
          ? "Wait, or tick Priority to interrupt"
          : "Wait until they finish"
        : unlockFirst
          ? "Tap to turn sound on"
          : toggle
            ? "Tap to talk"
            : "Hold to talk";
  return {
    state,
    status,
    tone: TONES[status.kind],
    title: talking ? (toggle ? "LIVE" : "On air") : state === "busy" ? "Busy" : "Talk",
    latched: talking && toggle,
    action,
    disabledReason: !mayTalk ? "not allowed on this channel" : offline ? "no connection" : null,
    sub: !mayTalk ? "Listen only" : offline ? "Offline — waiting for the network" : action,
    enabled,
    offerPriority,
    meter: talking,
    hint: !s.connected
      ? { kind: "offline" }
      : s.talkingElsewhere
        ? { kind: "elsewhere" }
        : s.touch
          ? { kind: "none" }
          : { kind: "key", key: s.pttKey, hold: !toggle },
    unlockFirst,
  };
}

const TONES: Record<TalkStatus["kind"], TalkPanelView["tone"]> = {
  "on-air": "me",
  cut: "denied",
  denied: "denied",
  speaker: "live",
  replay: "replay",
  clear: "clear",
};

function onAir(talk: TalkState, now: number, latched: boolean): TalkStatus {
  const elapsedMs = now - (talk.since ?? now);
  const leftMs = talk.maxDurationMs === undefined ? null : talk.maxDurationMs - elapsedMs;
  return {
    kind: "on-air",
    elapsedMs,
    countdownS: leftMs !== null && leftMs <= COUNTDOWN_FROM_MS ? Math.max(0, Math.ceil(leftMs / 1000)) : null,
    latched,
  };
}

/** "Replay · 14:02 · Olivia · @olivia": when the replayed transmission was made, and by whom
 *  (with the username, as wherever voice is attributed). */
export function replayText(m: Pick<Message, "createdAt" | "sender">): string {
  const at = new Date(m.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `Replay · ${at} · ${userLabel(m.sender)}`;
}

/** Why my request was refused, in words a steward can act on. */
export function denialText(d: Pick<Denial, "reason" | "speakerName">): string {
  switch (d.reason) {
    case "busy":
      return d.speakerName ? `${d.speakerName} is talking` : "Someone else is talking";
    case "forbidden":
      return "You may not talk on this channel";
    case "quota_exceeded":
      return "Storage for your or this event's recordings is full, so you can't talk for now — ask an organiser to free space. You can still listen and send text";
    case "insecure_context":
      return insecureContextText();
    case "no_microphone":
      return "Microphone blocked or missing — allow it in the browser";
    case "no_encoder":
      return "This browser can't send voice (no Opus encoder); you can still listen";
    case "not_subscribed":
      return "Not connected to the channel yet";
    case "no_audio_output":
      return "Audio output could not start — tap the page, check the sound output, then try again";
    case "mic_stalled":
      return "Microphone did not start — check that no other app is using it, then try again";
    case "encoder_stalled":
      return "The voice encoder did not start — reload the page and try again";
  }
}

/** Why my transmission ended before I let go. */
export function cutText(reason: string): string {
  switch (reason) {
    case "preempted":
      return "A moderator took over the channel";
    case "timeout":
      return "Maximum talk time reached";
    case "no_audio":
      return "Cut off: no audio reached the server — check your microphone and connection";
    case "revoked":
      return "Your talk permission was removed";
    default:
      return "Transmission cut: connection lost";
  }
}
