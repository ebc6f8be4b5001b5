/**
 * The lateness of a stream's frames over a sliding window of time, as a histogram of 1 ms bins,
 * so that a quantile of it costs one pass over the bins above it and no sorting. Pure; runs on
 * the audio thread.
 */
export class LatenessWindow {
  private readonly frames: { at: number; bin: number }[] = [];
  private readonly histogram: Uint16Array;

  /** `maxMs`: lateness above it counts as `maxMs`; `windowSamples`: the span kept. */
  constructor(
    private readonly maxMs: number,
    private readonly windowSamples: number,
  ) {
    this.histogram = new Uint16Array(maxMs + 1);
  }

  /** A frame `lateMs` late arrived at `at` (samples). Frames older than the window leave it. */
  add(lateMs: number, at: number) {
    const bin = Math.max(0, Math.min(this.maxMs, Math.round(lateMs)));
    this.frames.push({ at, bin });
    this.histogram[bin]!++;
    const horizon = at - this.windowSamples;
    while (this.frames.length > 1 && this.frames[0]!.at < horizon)
      this.histogram[this.frames.shift()!.bin]!--;
  }

  /** The lateness (ms) that `quantile` of the window's frames are within. */
  quantileMs(quantile: number): number {
    // Counted down from the top: the frames later than it are the few let through.
    let allowed = Math.floor(this.frames.length * (1 - quantile));
    let q = this.maxMs;
    while (q > 0 && allowed >= this.histogram[q]!) allowed -= this.histogram[q--]!;
    return q;
  }
}
