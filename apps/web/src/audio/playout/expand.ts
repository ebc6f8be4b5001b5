/**
 * Concealment of a short gap, in the manner of NetEq's expand: when the queue runs dry in voiced
 * speech, the last pitch period played goes on repeating, fading to silence over `lengthMs`, and
 * the audio that comes next is cross-faded in over it. A gap of a frame or two (a retransmission
 * that was nearly in time) is then heard as a held vowel rather than a click and a hole; a longer
 * one still falls silent. Unvoiced sound (no clear period) is not repeated: it fades out as before.
 * Pure; runs on the audio thread.
 */
import { findPeriod, MIN_CORRELATION } from "./time-scale";

/** Audio kept to find the period in (ms): two of the longest periods searched. */
const HISTORY_MS = 24;

export class Expander {
  private readonly history: Float32Array;
  /** The history backwards (the period is searched from its end). */
  private readonly reversed: Float32Array;
  private period: Float32Array | null = null;
  private phase = 0;
  private left = 0;
  /** A concealment faded out and no real audio has played since: the gap stays silent. */
  private spent = false;
  private readonly total: number;

  constructor(
    private readonly sampleRate: number,
    lengthMs = 60,
  ) {
    this.history = new Float32Array(Math.round((HISTORY_MS / 1_000) * sampleRate));
    this.reversed = new Float32Array(this.history.length);
    this.total = Math.round((lengthMs / 1_000) * sampleRate);
  }

  /** While concealing: samples of it still to come (fading). */
  get active(): boolean {
    return this.period !== null && this.left > 0;
  }

  /** `x[0, n)` was just played (real audio). */
  remember(x: Float32Array, n: number) {
    const h = this.history;
    if (n >= h.length) h.set(x.subarray(n - h.length, n));
    else if (n > 0) {
      h.copyWithin(0, n);
      h.set(x.subarray(0, n), h.length - n);
    }
  }

  /** A gap may start now: ready a concealment if what was last played is voiced. */
  prepare(): boolean {
    if (this.active) return true;
    if (this.spent) return false;
    const h = this.history;
    // The period that ended the audio: search the last two periods' worth.
    const r = this.reversed;
    for (let i = 0; i < h.length; i++) r[i] = h[h.length - 1 - i]!;
    const p = findPeriod(r, this.sampleRate);
    if (!p || p.corr < MIN_CORRELATION) return false;
    this.period = h.slice(h.length - p.lag);
    this.phase = 0;
    this.left = this.total;
    return true;
  }

  /** The next concealment sample (0 once it has faded out). */
  sample(): number {
    const p = this.period;
    if (!p || this.left <= 0) return 0;
    const s = p[this.phase]! * (this.left / this.total);
    this.phase = (this.phase + 1) % p.length;
    if (--this.left === 0) this.spent = true;
    return s;
  }

  /** Real audio has taken over. */
  stop() {
    this.period = null;
    this.left = 0;
    this.spent = false;
  }
}
