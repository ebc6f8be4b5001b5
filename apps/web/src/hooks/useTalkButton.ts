/**
 * Talk button behaviour: pointer hold (or tap-to-toggle), the PTT key anywhere on the page (not
 * while typing), and the button's own Space/Enter. Releasing is guaranteed: pointer capture,
 * pointercancel, window blur and hiding the page all let go, so the microphone never stays open.
 */
import { type KeyboardEvent, type PointerEvent, useCallback, useEffect, useRef } from "react";
import { unlockAudio } from "../audio/audio-context";
import { talk } from "../realtime/realtime";
import { useSettings } from "../settings/settings-store";

const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

export function useTalkButton(channelId: string, enabled: boolean, priority = false) {
  const mode = useSettings((s) => s.pttMode);
  const pttKey = useSettings((s) => s.pttKey);
  const holding = useRef(false);

  const down = useCallback(() => {
    if (!enabled) return;
    unlockAudio();
    if (mode === "toggle") {
      talk.toggle(channelId, priority);
      return;
    }
    if (holding.current) return;
    holding.current = true;
    talk.press(channelId, priority);
  }, [channelId, enabled, mode, priority]);

  const up = useCallback(() => {
    if (mode === "toggle" || !holding.current) return;
    holding.current = false;
    talk.release();
  }, [mode]);

  // The PTT key works anywhere on the channel screen except in text fields.
  useEffect(() => {
    const kd = (e: globalThis.KeyboardEvent) => {
      if (e.code !== pttKey || e.repeat || isTyping(e.target)) return;
      if (e.target instanceof HTMLButtonElement && e.target.dataset.talk !== "true") return;
      e.preventDefault();
      down();
    };
    const ku = (e: globalThis.KeyboardEvent) => {
      if (e.code !== pttKey) return;
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

  // Leaving the channel screen ends a transmission.
  useEffect(() => () => talk.release(), []);

  return {
    "data-talk": "true",
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
      // The global listener handles pttKey; Enter (and Space if it is not the PTT key) on the button too.
      if ((e.key === "Enter" || e.code === "Space") && e.code !== pttKey && !e.repeat) {
        e.preventDefault();
        down();
      }
    },
    onKeyUp: (e: KeyboardEvent<HTMLButtonElement>) => {
      if ((e.key === "Enter" || e.code === "Space") && e.code !== pttKey) {
        e.preventDefault();
        up();
      }
    },
    // Click is synthesised after pointer/keys; the real work happens above.
    onClick: (e: { preventDefault: () => void }) => e.preventDefault(),
  };
}
