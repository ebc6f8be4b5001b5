/**
 * Headset, Bluetooth and keyboard media buttons talk on the open channel, as toggle talk: one
 * press starts a transmission, the next ends it (such buttons send one event per press, never a
 * hold). Two ways in, both live while a channel screen is open:
 *
 * - Media Session actions (`play`, `pause`, `togglemicrophone`, `hangup`, `stop`), which a headset
 *   or a car kit sends to the active media session. The page holds that session with the silent
 *   loop of `audioFocus`, started on the first tap or key on the screen.
 * - Media keys that reach the page as key events (`MediaPlayPause`, …): desktop keyboards, and
 *   Bluetooth PTT buttons that pretend to be one.
 *
 * `nexttrack` / `previoustrack` switch channel when the screen offers it (radio mode).
 */
import type { ChannelAbilities } from "@won/protocol";
import { useEffect, useRef } from "react";
import { unlockAudio } from "../audio/audio-context";
import { audioFocus } from "../pocket/audio-focus";
import { createPressFilter, isMediaToggle, TALK_ACTIONS } from "../pocket/headset-keys";
import { talkAvailability } from "../ptt/talk-availability";
import { talk } from "../realtime/realtime";
import { useSettings } from "../settings/settings-store";
import { selectChannel, useLive } from "../state/live-store";

export interface HeadsetTalkOptions {
  channelId: string;
  channelName: string;
  abilities: Pick<ChannelAbilities, "talk" | "interrupt">;
  onNext?: () => void;
  onPrevious?: () => void;
}

/** Whether a press on `channelId` reaches the server now (same rule as the talk button). */
function useTalkEnabled(channelId: string, abilities: HeadsetTalkOptions["abilities"]): boolean {
  const subscribed = useLive((s) => selectChannel(channelId)(s).subscribed);
  const connected = useLive((s) => s.status === "open");
  const talkingElsewhere = useLive((s) => s.talk !== null && s.talk.channelId !== channelId);
  return talkAvailability(abilities, { connected, subscribed, talkingElsewhere }).enabled;
}

export function useHeadsetTalk(o: HeadsetTalkOptions): void {
  const enabled = useTalkEnabled(o.channelId, o.abilities);
  const pttKey = useSettings((s) => s.pttKey);
  // Handlers read the latest values through a ref, so the session is not re-registered per render.
  const latest = useRef({ ...o, enabled, pttKey });
  latest.current = { ...o, enabled, pttKey };

  useEffect(() => {
    const accept = createPressFilter();
    const toggle = () => {
      if (!accept()) return;
      unlockAudio();
      const cur = latest.current;
      if (talk.busy) talk.release();
      else if (cur.enabled) talk.press(cur.channelId);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat || !isMediaToggle(e, latest.current.pttKey)) return;
      e.preventDefault();
      toggle();
    };
    const onGesture = () => audioFocus.start();
    window.addEventListener("keydown", onKey);
    window.addEventListener("pointerdown", onGesture, true);
    window.addEventListener("keydown", onGesture, true);
    const clearSession = installMediaSession(toggle, latest);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("pointerdown", onGesture, true);
      window.removeEventListener("keydown", onGesture, true);
      clearSession();
      audioFocus.stop();
    };
  }, []);

  useEffect(() => {
    const ms = navigator.mediaSession;
    if (!ms || typeof MediaMetadata === "undefined") return;
    ms.metadata = new MediaMetadata({
      title: `# ${o.channelName}`,
      artist: "Operation Won",
      album: "Headset button: talk / stop",
    });
  }, [o.channelName]);
}

type Latest = { current: Pick<HeadsetTalkOptions, "onNext" | "onPrevious"> };

/** Registers the talk and channel actions; returns their removal. Unknown actions are skipped. */
function installMediaSession(toggle: () => void, latest: Latest): () => void {
  const ms = typeof navigator !== "undefined" ? navigator.mediaSession : undefined;
  if (!ms) return () => {};
  // The DOM typings lag the spec: togglemicrophone and hangup are missing there.
  const set = (action: string, handler: MediaSessionActionHandler | null) => {
    try {
      ms.setActionHandler(action as MediaSessionAction, handler);
    } catch {
      /* this browser does not know the action (togglemicrophone and hangup are newer) */
    }
  };
  const actions: string[] = [...TALK_ACTIONS, "nexttrack", "previoustrack"];
  for (const a of TALK_ACTIONS) set(a, toggle);
  set("nexttrack", () => latest.current.onNext?.());
  set("previoustrack", () => latest.current.onPrevious?.());
  // "playing" keeps the system showing a pause button, whose press arrives as `pause`.
  ms.playbackState = "playing";
  return () => {
    for (const a of actions) set(a, null);
    ms.playbackState = "none";
    ms.metadata = null;
  };
}
