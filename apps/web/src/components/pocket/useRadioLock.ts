/** Radio mode's lock: starts unlocked, locks on demand or after a quiet spell, unlocks by a long hold. */
import { useCallback, useEffect, useRef, useState } from "react";
import { autoLockDue, UNLOCK_HOLD_MS, unlockProgress } from "../../pocket/radio-view";

const TICK_MS = 50;

export function useRadioLock() {
  const [locked, setLocked] = useState(false);
  const [progress, setProgress] = useState(0);
  const lastTouch = useRef(Date.now());
  const holdTimer = useRef<ReturnType<typeof setInterval> | null>(null);

  // Any touch while unlocked postpones the auto-lock.
  useEffect(() => {
    const touched = () => {
      lastTouch.current = Date.now();
    };
    window.addEventListener("pointerdown", touched, true);
    const check = setInterval(() => {
      if (autoLockDue(lastTouch.current, Date.now())) setLocked(true);
    }, 1_000);
    return () => {
      window.removeEventListener("pointerdown", touched, true);
      clearInterval(check);
    };
  }, []);

  const endHold = useCallback(() => {
    if (holdTimer.current) clearInterval(holdTimer.current);
    holdTimer.current = null;
    setProgress(0);
  }, []);

  const startHold = useCallback(() => {
    endHold();
    const t0 = Date.now();
    holdTimer.current = setInterval(() => {
      const p = unlockProgress(Date.now() - t0);
      setProgress(p);
      if (p >= 1) {
        endHold();
        lastTouch.current = Date.now();
        setLocked(false);
      }
    }, TICK_MS);
  }, [endHold]);

  useEffect(() => endHold, [endHold]);

  return {
    locked,
    lock: () => setLocked(true),
    /** Props for the unlock control: hold it for the full time. */
    unlockProps: {
      onPointerDown: (e: React.PointerEvent<HTMLButtonElement>) => {
        e.currentTarget.setPointerCapture?.(e.pointerId);
        startHold();
      },
      onPointerUp: endHold,
      onPointerCancel: endHold,
      onLostPointerCapture: endHold,
      onContextMenu: (e: { preventDefault: () => void }) => e.preventDefault(),
    },
    progress,
    holdSeconds: UNLOCK_HOLD_MS / 1000,
  };
}
