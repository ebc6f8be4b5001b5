/**
 * Talk button behaviour: pointer hold (or tap-to-toggle), the PTT key anywhere on the page (not
 * while typing), and the button's own Space/Enter. Releasing is guaranteed: pointer capture,
 * pointercancel, window blur and hiding the page all let go, so the microphone never stays open.
 */
import { type KeyboardEvent, type PointerEvent, useCallback, useEffect, useRef } from "react";
import { unlockAudio } from "../audio/audio-context";
import { matchesKey } from "../pocket/headset-keys";
import { talk } from "../realtime/realtime";
import { useSettings } from "../settings/settings-store";

const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

export interface TalkButtonOptions {
  /** `"event"`: the button of an organiser's all-call. */
  scope?: "event";
  /** The page-wide PTT key presses this button (the channel's one talk button); a second button
   *  on the page (the all-call's) takes its own keys only. Default true. */
  pageKey?: boolean;
}

/** The props to spread on the talk button (it is found by its `data-talk` attribute). */
export function useTalkButton(
  channelId: string,
  enabled: boolean,
  priority = false,
  { scope, pageKey = true }: TalkButtonOptions = {},
) {
  const pttKey = useSettings((s) => s.pttKey);
  const { down, up } = usePressAndRelease(channelId, enabled, priority, scope);
  usePageTalkKey(pageKey ? pttKey : null, down, up);

  // Leaving the channel screen ends a transmission.
  useEffect(() => () => talk.release(), []);

  return talkButtonProps(pageKey ? pttKey : null, down, up);
}

/**
 * Starting and ending a transmission in the chosen PTT mode. In hold mode `down` is idempotent
 * until `up`, so a key repeat or a second pointer never presses twice; in toggle mode each `down`
 * flips the transmission and `up` does nothing.
 */
function usePressAndRelease(channelId: string, enabled: boolean, priority: boolean, scope?: "event") {
  const mode = useSettings((s) => s.pttMode);
  const holding = useRef(false);

  const down = useCallback(() => {
    if (!enabled) return;
    unlockAudio();
    if (mode === "toggle") {
      talk.toggle(channelId, priority, scope);
      return;
    }
    if (holding.current) return;
    holding.current = true;
    talk.press(channelId, priority, scope);
  }, [channelId, enabled, mode, priority, scope]);

  const up = useCallback(() => {
    if (mode === "toggle" || !holding.current) return;
    holding.current = false;
    talk.release();
  }, [mode]);

  return { down, up };
}

/**
 * The PTT key works anywhere on the channel screen except in text fields (and on other buttons,
 * which keep their own Space). Losing the window or hiding the page lets go.
 */
function usePageTalkKey(pttKey: string | null, down: () => void, up: () => void) {
  useEffect(() => {
    if (pttKey === null) return;
    const kd = (e: globalThis.KeyboardEvent) => {
      if (!matchesKey(e, pttKey) || e.repeat || isTyping(e.target)) return;
      if (e.target instanceof HTMLButtonElement && e.target.dataset.talk !== "true") return;
      e.preventDefault();
      down();
    };
    const ku = (e: globalThis.KeyboardEvent) => {
      if (!matchesKey(e, pttKey)) return;
      e.preventDefault();
      up();
    };
    const letGo = () => up();
    const onHide = () => document.visibilityState === "hidden" && up();
    window.addEventListener("keydown", kd);
    window.addEventListener("keyup", ku);
    window.addEventListener("blur", letGo);
    document.addEventListener("visibilitychange", onHide);
    return () => {
      window.removeEventListener("keydown", kd);
      window.removeEventListener("keyup", ku);
      window.removeEventListener("blur", letGo);
      document.removeEventListener("visibilitychange", onHide);
    };
  }, [pttKey, down, up]);
}

/**
 * Pointer and key handlers of the button itself; the page-wide PTT key (`pttKey`, or null when
 * this button has none) is handled above.
 */
function talkButtonProps(pttKey: string | null, down: () => void, up: () => void) {
  // Enter, and Space when it is not the PTT key (the page listener already has that one).
  const isButtonKey = (e: KeyboardEvent<HTMLButtonElement>) =>
    (e.key === "Enter" || e.code === "Space") && e.code !== pttKey;
  return {
    // The page's PTT key listener leaves alone any button but the channel's own talk button.
    "data-talk": pttKey === null ? "own-keys" : "true",
    onPointerDown: (e: PointerEvent<HTMLButtonElement>) => {
      if (e.button !== 0) return;
      e.preventDefault();
      e.currentTarget.setPointerCapture?.(e.pointerId);
      down();
    },
    onPointerUp: () => up(),
    onPointerCancel: () => up(),
    onLostPointerCapture: () => up(),
    onContextMenu: (e: { preventDefault: () => void }) => e.preventDefault(),
    onKeyDown: (e: KeyboardEvent<HTMLButtonElement>) => {
      if (isButtonKey(e) && !e.repeat) {
        e.preventDefault();
        down();
      }
    },
    onKeyUp: (e: KeyboardEvent<HTMLButtonElement>) => {
      if (isButtonKey(e)) {
        e.preventDefault();
        up();
      }
    },
    // Click is synthesised after pointer/keys; the real work happens above.
    onClick: (e: { preventDefault: () => void }) => e.preventDefault(),
  };
}
