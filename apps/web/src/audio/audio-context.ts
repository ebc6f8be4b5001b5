/**
 * The app's one AudioContext at 48 kHz (Opus's native rate): live playback, tones, and the
 * capture graph all run on it, so a 44.1 kHz microphone is resampled by the browser.
 * Browsers start contexts suspended until a user gesture; `unlockAudio` is called from the
 * first pointer/key event.
 */
let ctx: AudioContext | null = null;

export const SAMPLE_RATE = 48_000;

export function audioContext(): AudioContext {
  if (!ctx || ctx.state === "closed") {
    ctx = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: "interactive" });
  }
  return ctx;
}

/** Resumes the context if the browser suspended it. Safe to call often. */
export function unlockAudio(): void {
  const c = audioContext();
  // Safari reports "interrupted" after a phone call or a locked screen took the audio session.
  if (c.state === "suspended" || (c.state as string) === "interrupted") void c.resume().catch(() => {});
}

/** Installs one-shot gesture listeners that unlock audio output. */
export function installAudioUnlock(): void {
  const unlock = () => {
    unlockAudio();
    if (ctx?.state === "running") {
      window.removeEventListener("pointerdown", unlock, true);
      window.removeEventListener("keydown", unlock, true);
    }
  };
  window.addEventListener("pointerdown", unlock, true);
  window.addEventListener("keydown", unlock, true);
}

const missedListeners = new Set<() => void>();

/**
 * Live audio arrived while the context is not running. Its clock stands still, so nothing can be
 * scheduled on it; ask it to resume and tell whoever shows the "tap to enable sound" notice.
 */
export function noteAudioMissed(): void {
  unlockAudio();
  for (const l of missedListeners) l();
}

/** Subscribes to {@link noteAudioMissed}; returns the unsubscribe. */
export function onAudioMissed(listener: () => void): () => void {
  missedListeners.add(listener);
  return () => missedListeners.delete(listener);
}
