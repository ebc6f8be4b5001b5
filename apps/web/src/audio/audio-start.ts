/**
 * Every step that starts audio is bounded in time. A browser can leave a promise pending forever
 * — `AudioContext.resume()` on a device with no audio output, or on a phone after a call took the
 * audio session; `getUserMedia` behind a permission prompt nobody answers — and a transmission
 * that waits on it would hold the floor silently until the server's lease ran out.
 */

/** How long one audio start step may take before it counts as failed: under the server's 3 s floor lease, so a stuck start gives the floor back before the lease would end it. */
export const AUDIO_START_TIMEOUT_MS = 2_500;

/** Which part of the audio path failed to start (each has its own wording in the talk panel). */
export type AudioStartStep = "output" | "microphone" | "encoder";

/** An audio start step did not finish in time (or failed in a way that means the same). */
export class AudioStartError extends Error {
  constructor(
    readonly step: AudioStartStep,
    detail: string,
  ) {
    super(`${step} did not start: ${detail}`);
    this.name = "AudioStartError";
  }
}

/**
 * Settles like `promise`, or rejects with an {@link AudioStartError} for `step` once `ms` pass.
 * `onLate` receives the value if the promise resolves after the deadline, so what it opened
 * (a microphone stream, say) can be released instead of leaking.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  step: AudioStartStep,
  ms = AUDIO_START_TIMEOUT_MS,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new AudioStartError(step, `no answer within ${ms} ms`));
    }, ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        if (expired) onLate?.(v);
        else resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        if (!expired) reject(e);
      },
    );
  });
}

/**
 * Resolves once `ctx` is running: asks it to resume and waits for the state change, within `ms`.
 * A context that stays suspended (or is closed) rejects with an `"output"` {@link AudioStartError}.
 */
export function ensureRunning(
  ctx: BaseAudioContext & { resume(): Promise<void> },
  ms = AUDIO_START_TIMEOUT_MS,
) {
  if (ctx.state === "running") return Promise.resolve();
  const running = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (ctx.state === "running") {
        ctx.removeEventListener("statechange", check);
        resolve();
      } else if (ctx.state === "closed") {
        ctx.removeEventListener("statechange", check);
        reject(new AudioStartError("output", "the audio context is closed"));
      }
    };
    ctx.addEventListener("statechange", check);
    // resume() may never settle; the state change is what counts.
    ctx.resume().then(check, () => {});
  });
  return withTimeout(running, "output", ms);
}
