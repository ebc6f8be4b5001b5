/**
 * The SOS button's press-and-hold, as a pure state machine: a pocket or a stray tap must not
 * raise an alert, so the control fires only after being held for {@link SOS_HOLD_MS}, and letting
 * go (or losing the pointer) before then cancels. Time is passed in, so the machine is tested
 * without timers; the component ticks it on animation frames.
 */

/** How long the SOS control must be held before it fires. */
export const SOS_HOLD_MS = 2_000;

export type SosHold =
  | { phase: "idle" }
  | { phase: "holding"; startedAt: number }
  /** Fired: stays so until the control is released, so one hold raises one alert. */
  | { phase: "fired"; firedAt: number };

export type SosHoldEvent =
  | { type: "press"; at: number }
  | { type: "release"; at: number }
  | { type: "tick"; at: number };

export const SOS_IDLE: SosHold = { phase: "idle" };

/** The next state. A tick or release past the deadline fires (a late frame still counts). */
export function sosHoldStep(s: SosHold, e: SosHoldEvent, holdMs = SOS_HOLD_MS): SosHold {
  switch (e.type) {
    case "press":
      return s.phase === "idle" ? { phase: "holding", startedAt: e.at } : s;
    case "tick":
      if (s.phase === "holding" && e.at - s.startedAt >= holdMs) return { phase: "fired", firedAt: e.at };
      return s;
    case "release":
      return SOS_IDLE;
  }
}

/** What the control shows: how far the ring has filled (0–1) and the whole seconds left. */
export function sosHoldView(s: SosHold, now: number, holdMs = SOS_HOLD_MS) {
  if (s.phase === "idle") return { progress: 0, secondsLeft: Math.ceil(holdMs / 1000) };
  if (s.phase === "fired") return { progress: 1, secondsLeft: 0 };
  const elapsed = Math.min(holdMs, Math.max(0, now - s.startedAt));
  return { progress: elapsed / holdMs, secondsLeft: Math.ceil((holdMs - elapsed) / 1000) };
}
