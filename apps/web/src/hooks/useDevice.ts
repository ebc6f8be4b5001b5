/**
 * What the device offers, for views that differ by it: whether the browser is holding sound off
 * until a tap, and whether the screen is touch-only (no keyboard hint then). Both are false where
 * there is no browser (server rendering in tests).
 */
import { useEffect, useState } from "react";
import { audioContext } from "../audio/audio-context";

const TOUCH_ONLY = "(pointer: coarse) and (hover: none)";

const soundOffNow = () => {
  if (typeof AudioContext === "undefined") return false;
  const state = audioContext().state as string;
  // Safari reports "interrupted" after a phone call or a locked screen took the audio session.
  return state === "suspended" || state === "interrupted";
};

/**
 * True while the browser keeps audio output off and no tap (or key) has tried to turn it on yet.
 * After one it is false even if sound stays off (a device that cannot resume it), so the next press
 * goes ahead and says what failed instead of asking for taps forever.
 */
export function useSoundOff(): boolean {
  const [off, setOff] = useState(soundOffNow);
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (typeof AudioContext === "undefined") return;
    const ctx = audioContext();
    const update = () => {
      setOff(soundOffNow());
      // Suspended again later (a phone call took the audio session): the next tap unlocks first.
      if (ctx.state === "running") setTried(false);
    };
    // Noted after the tap's own dispatch: re-rendering in between would hand that same tap to an
    // already enabled talk button.
    const tap = () => setTimeout(() => setTried(true), 0);
    ctx.addEventListener("statechange", update);
    window.addEventListener("pointerdown", tap, true);
    window.addEventListener("keydown", tap, true);
    update();
    return () => {
      ctx.removeEventListener("statechange", update);
      window.removeEventListener("pointerdown", tap, true);
      window.removeEventListener("keydown", tap, true);
    };
  }, []);
  return off && !tried;
}

/** True on a touch screen without hover (a phone), where a keyboard hint means nothing. */
export function useTouchOnly(): boolean {
  const [touch, setTouch] = useState(
    () => typeof matchMedia === "function" && matchMedia(TOUCH_ONLY).matches,
  );
  useEffect(() => {
    if (typeof matchMedia !== "function") return;
    const mq = matchMedia(TOUCH_ONLY);
    const update = () => setTouch(mq.matches);
    mq.addEventListener("change", update);
    update();
    return () => mq.removeEventListener("change", update);
  }, []);
  return touch;
}
