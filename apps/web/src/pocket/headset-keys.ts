/**
 * Buttons that are not the screen: keyboard media keys, headset buttons and Bluetooth PTT
 * buttons. Many BLE PTT buttons pretend to be a keyboard and send Enter, a volume key or a media
 * key; some phones report such keys with an empty `code` and only a `key`. A learned talk key is
 * stored as the `code`, or the `key` when there is no code, and matched the same way.
 */

/** Keys that toggle talking whatever the talk mode: they arrive as one press, never as a hold. */
export const MEDIA_TOGGLE_KEYS: ReadonlySet<string> = new Set([
  "MediaPlayPause",
  "MediaPlay",
  "MediaPause",
  "MediaStop",
  "HeadsetHook",
  "MicrophoneToggle",
]);

type KeyLike = Pick<KeyboardEvent, "code" | "key">;

/** What to store for a pressed key: its physical code, else its meaning. */
export function keyId(e: KeyLike): string {
  return e.code && e.code !== "Unidentified" ? e.code : e.key;
}

/** The event is the learned talk key. */
export function matchesKey(e: KeyLike, learned: string): boolean {
  return keyId(e) === learned || (e.code === "" && e.key === learned);
}

/** The event is a media key that toggles talking (and is not the learned talk key itself). */
export function isMediaToggle(e: KeyLike, learned: string): boolean {
  return !matchesKey(e, learned) && (MEDIA_TOGGLE_KEYS.has(e.code) || MEDIA_TOGGLE_KEYS.has(e.key));
}

/**
 * One physical press can arrive twice: as a key event and as a Media Session action (Chromium
 * sends a headset's play/pause both ways on some systems). Two toggles inside `windowMs` would
 * start and stop at once, so the second is dropped.
 */
export function createPressFilter(windowMs = 400, now: () => number = Date.now) {
  let last = Number.NEGATIVE_INFINITY;
  return (): boolean => {
    const t = now();
    if (t - last < windowMs) return false;
    last = t;
    return true;
  };
}

/** Media Session actions that toggle talking. */
export const TALK_ACTIONS = ["play", "pause", "togglemicrophone", "hangup", "stop"] as const;
