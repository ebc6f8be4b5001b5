/**
 * Toggle mode leaves the microphone open after the finger is gone, so a steward must never forget
 * they are live: while on air in toggle mode a soft tick sounds every `STILL_LIVE_EVERY_MS`.
 * Hold mode needs none (letting go ends the transmission).
 */
import type { PttMode } from "../settings/settings-store";
import type { TalkState } from "../state/live-store";

export const STILL_LIVE_EVERY_MS = 10_000;

/** Whether the reminder should be ticking. */
export function stillLiveWanted(talk: Pick<TalkState, "phase"> | null, mode: PttMode): boolean {
  return mode === "toggle" && talk?.phase === "talking";
}

/**
 * Runs the reminder off a store subscription: `watch` calls back with the current wish on every
 * change, `tick` plays the cue. Returns the unsubscribe (which also stops a running timer).
 */
export function startStillLiveReminder(
  watch: (onChange: (wanted: boolean) => void) => () => void,
  tick: () => void,
  everyMs = STILL_LIVE_EVERY_MS,
): () => void {
  let timer: ReturnType<typeof setInterval> | null = null;
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const unwatch = watch((wanted) => {
    if (wanted && !timer) timer = setInterval(tick, everyMs);
    else if (!wanted) stopTimer();
  });
  return () => {
    unwatch();
    stopTimer();
  };
}
