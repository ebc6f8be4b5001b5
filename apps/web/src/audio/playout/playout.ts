/**
 * Adaptive playout of one live stream, sample by sample on the audio clock. It runs inside the
 * playout AudioWorklet (`playout-processor.ts`): decoded frames are pushed in as they arrive,
 * `render` is called once per 128-sample quantum. Pure — no Web Audio types — so it is tested by
 * feeding it arrival traces.
 *
 * The delay it plays at adapts to the lateness it actually sees, in the manner of WebRTC's NetEq:
 *
 * - Lateness of a frame = (arrival − its media position) − the smallest such offset seen in the
 *   stream, measured when it arrives (so the burst of audio captured before the grant, which
 *   arrives all at once, does not count as late).
 * - Before any lateness is seen the delay is `initialDelayMs` (for a channel, what its last
 *   stream ended at); that prior halves every `priorHalfLifeMs`.
 * - Target delay = the `quantile` of the lateness of the frames of the last `windowMs`, plus one
 *   render quantum, within [minDelayMs, maxDelayMs]: it rises as soon as enough frames come late
 *   and comes down once they leave the window. TCP stalls come again and again on a lossy link,
 *   so the delay they need is kept while they do; the few frames later than that are waited for.
 * - The delay actually played (`queued before the frame + its lateness`, constant while nothing
 *   is adjusted) is brought down to the target when above it: silent frames are skipped and, in
 *   long speech, playback runs `speedUp` (5 %) faster, up to `maxSpeedUp` (12 %) for a large
 *   excess, until the excess is gone. Speech is never skipped to catch up. It never needs raising
 *   on purpose: a frame later than the delay is an underrun, and playback resumes at exactly that
 *   frame's lateness.
 * - A frame that is not there in time is an underrun: the output fades out, silence is counted,
 *   and playback resumes (fading in) the moment audio arrives — nothing is dropped for being late.
 * - Only when more than `maxDelayMs` is queued (a stall longer than any sane delay) are the oldest
 *   frames dropped, down to the target.
 */

export interface PlayoutOptions {
  sampleRate: number;
  /** Delay before the first frame plays, before any lateness has been seen (ms). */
  initialDelayMs: number;
  minDelayMs: number;
  /** Hard cap on queued audio (ms). */
  maxDelayMs: number;
  /** How fast the initial delay gives way when no lateness calls for it (ms). */
  priorHalfLifeMs: number;
  /** The lateness the delay covers: this quantile of the frames of the last `windowMs`. */
  quantile: number;
  windowMs: number;
  /** Playback rate while catching up in speech. */
  speedUp: number;
  /** The fastest rate, reached when the excess is `maxSpeedUpAtMs` or more. */
  maxSpeedUp: number;
  maxSpeedUpAtMs: number;
  /** Frame RMS below this fraction of the stream's speech level counts as silence. */
  silenceRatio: number;
}

export const DEFAULT_PLAYOUT: PlayoutOptions = {
  sampleRate: 48_000,
  initialDelayMs: 40,
  minDelayMs: 10,
  maxDelayMs: 600,
  priorHalfLifeMs: 1_000,
  quantile: 0.95,
  windowMs: 5_000,
  speedUp: 1.05,
  maxSpeedUp: 1.12,
  maxSpeedUpAtMs: 250,
  silenceRatio: 0.12,
};

/**
 * Counters, in frames and samples. Every frame pushed in is counted once as played (queued to
 * play, or played), dropped, or skipped: `received = played + dropped + skippedSilent`.
 */
export interface PlayoutStats {
  /** Frames pushed in. */
  received: number;
  /** Frames played or queued to play. */
  played: number;
  /** Frames dropped at the hard cap. */
  dropped: number;
  /** Silent frames skipped whole to bring the delay down. */
  skippedSilent: number;
  /** Times the queue ran dry while the stream was live. */
  underruns: number;
  /** Samples of silence output because audio was late (not counting pauses added on purpose). */
  concealedSamples: number;
  /** Samples removed by skipping silence and by speeding up. */
  compressedSamples: number;
}

interface Frame {
  pcm: Float32Array;
  /** Read position in `pcm` (fractional while sped up). */
  pos: number;
  silent: boolean;
}

/** Samples per render quantum: a frame is only noticed at a quantum's boundary. */
const QUANTUM = 128;
/** Frames over which the lateness floor is taken (1 s of 20 ms frames). */
const RECENT_FRAMES = 50;
/** Fade length at an underrun and at a resume (samples, ~1.3 ms). */
const FADE = 64;
/** Long speech: after this long without a silent frame to skip, speed up instead (ms). */
const SPEECH_RUN_MS = 200;
/** Smallest excess worth correcting (ms): below one frame it is just jitter. */
const DEADBAND_MS = 20;

export class Playout {
  readonly stats: PlayoutStats = {
    received: 0,
    played: 0,
    dropped: 0,
    skippedSilent: 0,
    underruns: 0,
    concealedSamples: 0,
    compressedSamples: 0,
  };
  private readonly q: Frame[] = [];
  private queued = 0;
  private playing = false;
  private startAt = 0;
  private ended = false;
  /** Media position (samples) of the next frame expected, and the first frame's arrival. */
  private mediaPos = 0;
  private minOffset = Number.POSITIVE_INFINITY;
  /** Lateness of the frames in the window: arrival order, and a histogram of 1 ms bins. */
  private readonly window: { at: number; bin: number }[] = [];
  private readonly histogram: Uint16Array;
  private firstAt = 0;
  private targetSamples: number;
  /** Samples still to remove to bring the delay down to the target. */
  private excess = 0;
  private lastSilentAt = 0;
  private speechLevel = 0;
  /** Gain ramp state: 1 playing, ramps in after an underrun. */
  private fadeIn = FADE;
  /** The queue ran dry while the stream was live (an underrun in progress). */
  private dry = false;
  private drainedReported = false;
  /** Lateness of the last frames (samples), for its floor: a queue, not a spike. */
  private readonly recentLateness: number[] = [];

  constructor(private readonly opts: PlayoutOptions = DEFAULT_PLAYOUT) {
    this.targetSamples = this.ms(opts.initialDelayMs);
    this.histogram = new Uint16Array(opts.maxDelayMs + 1);
  }

  /** The delay being aimed at (ms). */
  get targetMs(): number {
    return (this.targetSamples / this.opts.sampleRate) * 1_000;
  }

  /**
   * The smallest lateness of the last second of frames (ms): above zero for long only when every
   * frame waits in a queue on the way (a link slower than the stream), not after a retransmission.
   */
  get latenessFloorMs(): number {
    if (this.recentLateness.length < RECENT_FRAMES) return 0;
    return (Math.min(...this.recentLateness) / this.opts.sampleRate) * 1_000;
  }

  /** Audio queued (ms). */
  get queuedMs(): number {
    return (this.queued / this.opts.sampleRate) * 1_000;
  }

  /** True once an ended stream has played everything it had. */
  get drained(): boolean {
    return this.ended && this.q.length === 0;
  }

  /**
   * A decoded frame arrived at `arrival` (samples on the audio clock). `lost` frames before it
   * (a gap in seq) advance its media position; over TCP there are none.
   */
  push(pcm: Float32Array, arrival: number, lost = 0): void {
    if (this.ended) return;
    if (this.stats.received++ === 0) this.firstAt = arrival;
    this.mediaPos += lost * pcm.length;
    const offset = arrival - this.mediaPos;
    this.mediaPos += pcm.length;
    if (offset < this.minOffset) this.minOffset = offset;
    const lateness = offset - this.minOffset;
    this.observeLateness(lateness, arrival);
    if (this.recentLateness.push(lateness) > RECENT_FRAMES) this.recentLateness.shift();

    const rms = rmsOf(pcm);
    this.speechLevel = Math.max(rms, this.speechLevel * 0.995);
    const silent = rms < Math.max(1e-4, this.speechLevel * this.opts.silenceRatio);
    if (silent) this.lastSilentAt = arrival;

    if (this.playing) {
      // The delay this frame will be played at, relative to a frame that came on time.
      const delay = this.queued + lateness;
      const diff = delay - this.targetSamples;
      const band = this.ms(DEADBAND_MS);
      this.excess = diff > band ? diff - band / 2 : 0;
    } else if (this.q.length === 0) {
      this.startAt = arrival + this.targetSamples - lateness;
    }
    this.q.push({ pcm, pos: 0, silent });
    this.queued += pcm.length;
    this.stats.played++;

    const cap = this.ms(this.opts.maxDelayMs);
    if (this.queued > cap) {
      const keep = this.targetSamples + pcm.length;
      while (this.q.length > 1 && this.queued > keep) {
        const f = this.q.shift()!;
        this.queued -= f.pcm.length - Math.floor(f.pos);
        this.stats.played--;
        this.stats.dropped++;
      }
      this.excess = 0;
    }
  }

  /** No more frames will come: play out what is queued. */
  end(): void {
    this.ended = true;
  }

  /**
   * Fills `out` (one render quantum) starting at clock time `time` (samples). Returns false once
   * an ended stream has played everything (the first time only).
   */
  render(out: Float32Array, time: number): boolean {
    if (!this.playing) {
      out.fill(0);
      if (this.q.length === 0) return this.reportDrained();
      if (time + out.length < this.startAt && !this.ended) return true;
      this.playing = true;
      this.fadeIn = FADE;
    }
    let i = 0;
    while (i < out.length) {
      const f = this.q[0];
      if (!f) break;
      if (f.pos === 0 && this.adjustAtBoundary(f)) continue;
      const speed = this.excess > 0 && time - this.lastSilentAt > this.ms(SPEECH_RUN_MS) ? this.rate() : 1;
      const n = f.pcm.length;
      while (i < out.length && f.pos < n - (speed > 1 ? 1 : 0)) {
        const p = f.pos;
        const k = Math.floor(p);
        let s = f.pcm[k]!;
        if (speed > 1) {
          s += (f.pcm[k + 1]! - s) * (p - k);
          const before = Math.floor(p);
          f.pos = p + speed;
          const consumed = Math.floor(f.pos) - before;
          this.queued -= consumed;
          if (consumed > 1) {
            this.excess = Math.max(0, this.excess - (consumed - 1));
            this.stats.compressedSamples += consumed - 1;
          }
        } else {
          f.pos = p + 1;
          this.queued--;
        }
        if (this.fadeIn < FADE) s *= ++this.fadeIn / FADE;
        out[i++] = s;
      }
      if (f.pos >= n - (speed > 1 ? 1 : 0)) {
        this.queued -= n - Math.floor(f.pos);
        this.q.shift();
      }
    }
    const empty = this.q.length === 0;
    if (i < out.length || empty) {
      // Ran dry, or will unless a frame comes before the next quantum: fade what was written so
      // the gap does not click (a frame that does come in time fades back in).
      const from = Math.max(0, i - FADE);
      for (let k = from; k < i; k++) out[k]! *= (i - k) / (i - from + 1);
      out.fill(0, i);
      this.fadeIn = 0;
      if (this.ended) this.playing = false;
      else if (i < out.length) {
        if (!this.dry) this.stats.underruns++;
        this.dry = true;
        this.stats.concealedSamples += out.length - i;
      }
    } else this.dry = false;
    if (this.queued < 0) this.queued = 0;
    return this.drained ? this.reportDrained() : true;
  }

  /**
   * At the start of frame `f`: while the delay is above target, skip it (or its first part) if it
   * is silent. Returns true when it was skipped whole (the queue head changed).
   */
  private adjustAtBoundary(f: Frame): boolean {
    if (!f.silent) return false;
    if (this.excess > 0) {
      const cut = Math.min(f.pcm.length, Math.ceil(this.excess));
      this.excess -= cut;
      this.stats.compressedSamples += cut;
      if (cut >= f.pcm.length) {
        this.q.shift();
        this.queued -= f.pcm.length;
        this.stats.played--;
        this.stats.skippedSilent++;
        return true;
      }
      f.pos = cut;
      this.queued -= cut;
      return false;
    }
    return false;
  }

  /** The catch-up rate: `speedUp`, rising with the excess to `maxSpeedUp`. */
  private rate(): number {
    const { speedUp, maxSpeedUp, maxSpeedUpAtMs } = this.opts;
    return speedUp + (maxSpeedUp - speedUp) * Math.min(1, this.excess / this.ms(maxSpeedUpAtMs));
  }

  private observeLateness(lateness: number, at: number) {
    const bin = Math.min(this.opts.maxDelayMs, Math.round((lateness / this.opts.sampleRate) * 1_000));
    this.window.push({ at, bin });
    this.histogram[bin]!++;
    const horizon = at - this.ms(this.opts.windowMs);
    while (this.window.length > 1 && this.window[0]!.at < horizon)
      this.histogram[this.window.shift()!.bin]!--;
    // The quantile, counted down from the top: the frames later than it are the few let through.
    let allowed = Math.floor(this.window.length * (1 - this.opts.quantile));
    let q = this.opts.maxDelayMs;
    while (q > 0 && allowed >= this.histogram[q]!) allowed -= this.histogram[q--]!;
    const covered = this.ms(q);
    const prior =
      (this.ms(this.opts.initialDelayMs) - QUANTUM) *
      0.5 ** ((at - this.firstAt) / this.ms(this.opts.priorHalfLifeMs));
    this.targetSamples = Math.min(
      this.ms(this.opts.maxDelayMs) - QUANTUM,
      Math.max(this.ms(this.opts.minDelayMs), Math.round(Math.max(covered, prior)) + QUANTUM),
    );
  }

  private reportDrained(): boolean {
    if (!this.drained || this.drainedReported) return true;
    this.drainedReported = true;
    return false;
  }

  private ms(ms: number): number {
    return Math.round((ms / 1_000) * this.opts.sampleRate);
  }
}

function rmsOf(pcm: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}
