/**
 * Radio mode's rules, pure: stepping through my channels, the lock that keeps pocket taps from
 * doing anything, and what the big display says.
 *
 * The lock: locked, nothing on the screen reacts — not even the talk area — except the unlock
 * control, which must be held for `UNLOCK_HOLD_MS`, something a pocket does not do by accident.
 * Headset and Bluetooth buttons keep working, locked or not. An unlocked screen locks itself
 * again after `AUTO_LOCK_MS` without a touch, so a phone put away unlocked is safe soon after.
 */

export const UNLOCK_HOLD_MS = 1_200;
export const AUTO_LOCK_MS = 20_000;

/** The channel `step` places after (1) or before (-1) `currentId`, wrapping; null with fewer than two. */
export function stepChannel<T extends { id: string }>(
  list: readonly T[],
  currentId: string,
  step: 1 | -1,
): T | null {
  if (list.length < 2) return null;
  const at = list.findIndex((c) => c.id === currentId);
  if (at < 0) return list[0]!;
  return list[(at + step + list.length) % list.length]!;
}

/** How far an unlock hold has come, 0…1; 1 unlocks. */
export function unlockProgress(heldMs: number): number {
  return Math.min(1, Math.max(0, heldMs / UNLOCK_HOLD_MS));
}

/** An unlocked screen left alone this long locks itself. */
export function autoLockDue(lastTouchAt: number, now: number): boolean {
  return now - lastTouchAt >= AUTO_LOCK_MS;
}

export interface RadioDisplay {
  /** The big line: who talks, or that the channel is clear. */
  headline: string;
  tone: "me" | "live" | "clear" | "offline";
  /** The talk area's words. */
  action: string;
}

export function radioDisplay(s: {
  connected: boolean;
  speakerName: string | null;
  talking: boolean;
  requesting: boolean;
  toggle: boolean;
  locked: boolean;
  mayTalk: boolean;
}): RadioDisplay {
  const action = !s.mayTalk
    ? "Listen only"
    : s.locked
      ? "Locked — headset button talks"
      : s.talking
        ? s.toggle
          ? "Tap to stop"
          : "Release to stop"
        : s.requesting
          ? "Connecting…"
          : s.toggle
            ? "Tap to talk"
            : "Hold to talk";
  if (s.talking)
    return { headline: s.toggle ? "LIVE — you are on air" : "You are on air", tone: "me", action };
  if (!s.connected) return { headline: "Reconnecting…", tone: "offline", action };
  if (s.speakerName) return { headline: s.speakerName, tone: "live", action };
  return { headline: "Channel clear", tone: "clear", action };
}
