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
 * - Target delay = the `quantile` (95 %) of the lateness of the frames of the last `windowMs`,
 *   plus one render quantum, within [minDelayMs, maxTargetMs]: it rises as soon as enough frames
 *   come late and comes down once they leave the window. TCP stalls come again and again on a
 *   lossy link, so the delay they need is kept while they do; when they are the pattern (95 %
 *   alone needs `stallFromMs`), the delay covers `stallQuantile` (98 %): a gap costs more than
 *   the extra delay once the delay is long anyway. The few frames later than that are waited for.
 * - The delay actually played (`queued before the frame + its lateness`, constant while nothing
 *   is adjusted) is brought down to the target when above it: silent frames are skipped and, in
 *   long speech, one pitch period is taken out of each voiced frame (`time-scale.ts`: the voice
 *   keeps its pitch) until the excess is gone. Speech is never skipped to catch up. It never
 *   needs raising on purpose: a frame later than the delay is an underrun, and playback resumes
 *   at exactly that frame's lateness.
 * - When the next frame is overdue by half the delay (with a delay of `stretchFromMs` or more), a
 *   stall is under way: each voiced frame still queued plays one pitch period longer (two past
 *   three quarters), so the audio held lasts further into the stall and the gap left is shorter.
 * - A frame that is not there in time is an underrun: in voiced speech the last pitch period goes
 *   on, fading out over 60 ms (`expand.ts`), otherwise the output fades out; the gap is counted
 *   as concealed, and playback resumes (fading in over the concealment) the moment audio
 *   arrives — nothing is dropped for being late.
 * - Only when more than `maxDelayMs` is queued (a stall far longer than the delay) are the oldest
 *   frames dropped, down to the target.
 */

import { Expander } from "./expand";
import { LatenessWindow } from "./lateness-window";
import { findPeriod, insertPeriod, MIN_CORRELATION, MIN_PERIOD_MS, removePeriod } from "./time-scale";

export interface PlayoutOptions {
  sampleRate: number;
  /** Delay before the first frame plays, before any lateness has been seen (ms). */
  initialDelayMs: number;
  minDelayMs: number;
  /** The longest delay aimed at (ms). */
  maxTargetMs: number;
  /** Hard cap on queued audio (ms): room above the delay for the burst after a long stall. */
  maxDelayMs: number;
  /** How fast the initial delay gives way when no lateness calls for it (ms). */
  priorHalfLifeMs: number;
  /** The lateness the delay covers: this quantile of the frames of the last `windowMs`… */
  quantile: number;
  /** …or this one, when stalls are the pattern: the first quantile alone is `stallFromMs` or more. */
  stallQuantile: number;
  stallFromMs: number;
  windowMs: number;
  /** Stretch voiced frames during a stall only if the delay is this or more (ms). */
  stretchFromMs: number;
  /** Frame RMS below this fraction of the stream's speech level counts as silence. */
  silenceRatio: number;
}

export const DEFAULT_PLAYOUT: PlayoutOptions = {
  sampleRate: 48_000,
  initialDelayMs: 40,
  minDelayMs: 10,
  maxTargetMs: 600,
  maxDelayMs: 1_000,
  priorHalfLifeMs: 1_000,
  quantile: 0.95,
  stallQuantile: 0.98,
  stallFromMs: 100,
  windowMs: 5_000,
  stretchFromMs: 60,
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
  /** Samples removed by skipping silence and pitch periods. */
  compressedSamples: number;
  /** Samples added by repeating pitch periods while a stall was under way. */
  stretchedSamples: number;
}

interface Frame {
  pcm: Float32Array;
  /** Read position in `pcm`. */
  pos: number;
  silent: boolean;
}

/** Samples per render quantum: a frame is only noticed at a quantum's boundary. */
const QUANTUM = 128;
/** Frames over which the lateness floor is taken (1 s of 20 ms frames). */
const RECENT_FRAMES = 50;
/** Fade length at an underrun and at a resume (samples, ~1.3 ms). */
const FADE = 64;
/** Long speech: after this long without a silent frame to skip, take out pitch periods instead (ms). */
const SPEECH_RUN_MS = 200;
/** Time-scale changes are made once per this many ms of a frame (or twice as many). */
const SEGMENT_MS = 10;
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
    stretchedSamples: 0,
  };
  private readonly q: Frame[] = [];
  private readonly expander: Expander;
  private queued = 0;
  private playing = false;
  private startAt = 0;
  private ended = false;
  /** Media position (samples) of the next frame expected, and the first frame's arrival. */
  private mediaPos = 0;
  private minOffset = Number.POSITIVE_INFINITY;
  /** Lateness of the frames of the last `windowMs`. */
  private readonly lateness: LatenessWindow;
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
    this.expander = new Expander(opts.sampleRate);
    this.lateness = new LatenessWindow(opts.maxDelayMs, this.ms(opts.windowMs));
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
      if (f.pos === 0 && this.adjustAtBoundary(f, time + i)) continue;
      const n = f.pcm.length;
      while (i < out.length && f.pos < n) {
        let s = f.pcm[f.pos++]!;
        this.queued--;
        if (this.fadeIn < FADE) {
          // Fading in after a gap, over what concealed it.
          const r = ++this.fadeIn / FADE;
          s = s * r + this.expander.sample() * (1 - r);
        }
        out[i++] = s;
      }
      if (f.pos >= n) this.q.shift();
    }
    if (i > 0 && this.fadeIn >= FADE) this.expander.stop();
    this.expander.remember(out, i);
    const empty = this.q.length === 0;
    if (i < out.length || empty) {
      // Ran dry, or will unless a frame comes before the next quantum. In voiced speech the
      // last period goes on, fading (a frame that comes in time simply carries on); otherwise
      // fade what was written so the gap does not click. Either way the next frame fades in.
      const live = !this.ended;
      if (live && this.expander.prepare()) {
        for (let k = i; k < out.length; k++) out[k] = this.expander.sample();
        if (i < out.length) this.fadeIn = 0;
      } else {
        const from = Math.max(0, i - FADE);
        for (let k = from; k < i; k++) out[k]! *= (i - k) / (i - from + 1);
        out.fill(0, i);
        this.fadeIn = 0;
      }
      if (!live) this.playing = false;
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
   * At the start of frame `f`, played from `time`: while the delay is above target, skip it (or
   * its first part) if it is silent, or take a pitch period out of it in long speech; while a
   * stall drains the queue, stretch it. Returns true when it was skipped whole (the queue head
   * changed).
   */
  private adjustAtBoundary(f: Frame, time: number): boolean {
    if (!f.silent) {
      if (this.excess > 0 && time - this.lastSilentAt > this.ms(SPEECH_RUN_MS)) this.accelerate(f);
      else if (!this.ended) this.stretch(f, time);
      return false;
    }
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

  /**
   * Takes pitch periods out of voiced frame `f` (not yet started), one per 20 ms of it, while
   * there is excess left to remove.
   */
  private accelerate(f: Frame) {
    for (const at of this.segments(f.pcm.length, SEGMENT_MS * 2)) {
      const p = findPeriod(f.pcm, this.opts.sampleRate, at);
      if (!p || p.corr < MIN_CORRELATION || p.lag > this.excess + p.lag / 2) continue;
      f.pcm = removePeriod(f.pcm, p.lag, at);
      this.queued -= p.lag;
      this.excess = Math.max(0, this.excess - p.lag);
      this.stats.compressedSamples += p.lag;
    }
  }

  /**
   * Plays voiced frame `f` longer when at `time` a stall is draining the queue: a period more
   * every 20 ms of it, every 10 ms once the next frame is overdue by three quarters of the delay.
   */
  private stretch(f: Frame, time: number) {
    const target = this.targetSamples;
    // The next frame, had it come as early as the earliest, would have arrived at…
    const overdue = time - (this.mediaPos + this.minOffset);
    if (target < this.ms(this.opts.stretchFromMs) || overdue < target / 2) return;
    const every = overdue >= (target * 3) / 4 ? SEGMENT_MS : SEGMENT_MS * 2;
    for (const at of this.segments(f.pcm.length, every)) {
      const p = findPeriod(f.pcm, this.opts.sampleRate, at);
      if (!p || p.corr < MIN_CORRELATION) continue;
      f.pcm = insertPeriod(f.pcm, p.lag, at);
      this.queued += p.lag;
      this.stats.stretchedSamples += p.lag;
    }
  }

  /** Offsets every `everyMs` into a frame of `n` samples, last first (so earlier ones stay put). */
  private segments(n: number, everyMs: number): number[] {
    const step = this.ms(everyMs);
    const out: number[] = [];
    for (let at = 0; at + this.ms(2 * MIN_PERIOD_MS) <= n; at += step) out.unshift(at);
    return out;
  }

  private observeLateness(lateness: number, at: number) {
    this.lateness.add((lateness / this.opts.sampleRate) * 1_000, at);
    let q = this.lateness.quantileMs(this.opts.quantile);
    if (q >= this.opts.stallFromMs) q = this.lateness.quantileMs(this.opts.stallQuantile);
    const covered = this.ms(q);
    const prior =
      (this.ms(this.opts.initialDelayMs) - QUANTUM) *
      0.5 ** ((at - this.firstAt) / this.ms(this.opts.priorHalfLifeMs));
    this.targetSamples = Math.min(
      this.ms(this.opts.maxTargetMs) - QUANTUM,
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
