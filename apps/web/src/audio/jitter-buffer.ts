/**
 * Adaptive playout scheduling for one live stream. Frames arrive over TCP in order but with
 * network jitter; each decoded frame is given a start time on the audio clock.
 *
 * - Starts `initialMs` (≈60 ms) behind the first frame.
 * - On an underrun (a frame arrives after its slot has passed) the target delay grows by one
 *   step and playout restarts that far ahead — a short gap instead of a stutter train.
 * - The depth never exceeds `maxMs` (≈300 ms): frames that would sit deeper are dropped, and
 *   when the depth stays well above the target, one frame in `catchUpEvery` is skipped until it
 *   is back (a gradual catch-up that keeps speech intelligible). Late audio is dropped rather
 *   than letting latency drift upward.
 * - After a long stretch without underruns the target shrinks again.
 *
 * Pure: times are seconds on whatever clock the caller passes (AudioContext.currentTime).
 */
import { seqDelta } from "./frame-sequencer";

export interface JitterOptions {
  initialMs: number;
  minMs: number;
  maxMs: number;
  growMs: number;
  /** Frames without an underrun before the target shrinks by one step. */
  shrinkAfterFrames: number;
  /** While catching up after a burst, skip one frame in this many (gradual, so speech stays intelligible). */
  catchUpEvery: number;
}

export const DEFAULT_JITTER: JitterOptions = {
  initialMs: 60,
  minMs: 40,
  maxMs: 300,
  growMs: 20,
  shrinkAfterFrames: 250,
  catchUpEvery: 4,
};

export type Placement =
  | { kind: "play"; at: number }
  | { kind: "drop"; reason: "duplicate" | "overflow" | "catch-up" };

export class JitterBuffer {
  private targetMs: number;
  private nextAt: number | null = null;
  private lastSeq: number | null = null;
  private stable = 0;
  private sinceSkip = 0;
  readonly stats = { played: 0, dropped: 0, underruns: 0 };

  constructor(private readonly opts: JitterOptions = DEFAULT_JITTER) {
    this.targetMs = opts.initialMs;
  }

  /** Current target delay in ms. */
  get target(): number {
    return this.targetMs;
  }

  /** Seconds of audio queued ahead of `now`. */
  depth(now: number): number {
    return this.nextAt === null ? 0 : Math.max(0, this.nextAt - now);
  }

  /** When to play frame `seq` of `durationS` seconds, decoded at clock time `now`. */
  place(now: number, seq: number, durationS: number): Placement {
    if (this.lastSeq !== null && seqDelta(seq, this.lastSeq) <= 0) return this.drop("duplicate");
    this.lastSeq = seq;
    const target = this.targetMs / 1000;

    if (this.nextAt === null) {
      this.nextAt = now + target;
    } else if (this.nextAt < now) {
      this.stats.underruns++;
      this.stable = 0;
      this.targetMs = Math.min(this.opts.maxMs - durationS * 1000, this.targetMs + this.opts.growMs);
      this.nextAt = now + this.targetMs / 1000;
    } else {
      const depth = this.nextAt - now;
      if (depth + durationS > this.opts.maxMs / 1000) return this.drop("overflow");
      if (++this.stable >= this.opts.shrinkAfterFrames) {
        this.stable = 0;
        this.targetMs = Math.max(this.opts.minMs, this.targetMs - this.opts.growMs);
      }
      // Well above target (a burst after a stall): skip every few frames to pull latency back.
      if (depth > target + 3 * durationS && ++this.sinceSkip >= this.opts.catchUpEvery) {
        this.sinceSkip = 0;
        return this.drop("catch-up");
      }
    }
    const at = this.nextAt;
    this.nextAt += durationS;
    this.stats.played++;
    return { kind: "play", at };
  }

  private drop(reason: "duplicate" | "overflow" | "catch-up"): Placement {
    this.stats.dropped++;
    return { kind: "drop", reason };
  }
}
