/**
 * Drives the SOS press-and-hold machine (`alerts/sos-hold.ts`) from a pointer or a held
 * Space/Enter, ticking it on animation frames while held. `onFire` runs once per hold. Any way
 * of letting go — pointer up or cancel, lost capture, key up, blur — cancels a hold in progress.
 */
import { type KeyboardEvent, type PointerEvent, useCallback, useEffect, useRef, useState } from "react";
import { SOS_IDLE, type SosHold, type SosHoldEvent, sosHoldStep, sosHoldView } from "../alerts/sos-hold";
import { unlockAudio } from "../audio/audio-context";

export function useSosHold(onFire: () => void, enabled: boolean) {
  const [state, setState] = useState<SosHold>(SOS_IDLE);
  const [now, setNow] = useState(0);
  const stateRef = useRef(state);
  const fire = useRef(onFire);
  fire.current = onFire;

  const step = useCallback((e: SosHoldEvent) => {
    const next = sosHoldStep(stateRef.current, e);
    if (next === stateRef.current) return;
    if (next.phase === "fired" && stateRef.current.phase === "holding") fire.current();
    stateRef.current = next;
    setState(next);
  }, []);

  useEffect(() => {
    if (state.phase !== "holding") return;
    let frame = 0;
    const tick = () => {
      const at = performance.now();
      setNow(at);
      step({ type: "tick", at });
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    const letGo = () => step({ type: "release", at: performance.now() });
    window.addEventListener("blur", letGo);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("blur", letGo);
    };
  }, [state.phase, step]);

  const press = () => {
    if (!enabled) return;
    // The hold is a user gesture: let audio start now, for the hot mic's cues.
    unlockAudio();
    const at = performance.now();
    setNow(at);
    step({ type: "press", at });
  };
  const release = () => step({ type: "release", at: performance.now() });
  const isHoldKey = (e: KeyboardEvent) => e.key === "Enter" || e.code === "Space";

  const props = {
    onPointerDown: (e: PointerEvent<HTMLButtonElement>) => {
      if (e.button !== 0) return;
      e.preventDefault();
      e.currentTarget.setPointerCapture?.(e.pointerId);
      press();
    },
    onPointerUp: release,
    onPointerCancel: release,
    onLostPointerCapture: release,
    onContextMenu: (e: { preventDefault: () => void }) => e.preventDefault(),
    onKeyDown: (e: KeyboardEvent<HTMLButtonElement>) => {
      if (!isHoldKey(e)) return;
      e.preventDefault();
      if (!e.repeat) press();
    },
    onKeyUp: (e: KeyboardEvent<HTMLButtonElement>) => {
      if (!isHoldKey(e)) return;
      e.preventDefault();
      release();
    },
    onClick: (e: { preventDefault: () => void }) => e.preventDefault(),
  };
  return { state, view: sosHoldView(state, now), props };
}
