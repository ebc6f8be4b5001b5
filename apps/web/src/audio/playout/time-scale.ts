/**
 * Pitch-preserving time-scale changes of one decoded frame, in the manner of WebRTC NetEq's
 * accelerate and preemptive expand: voiced speech repeats itself every pitch period, so one
 * period can be taken out (the frame plays shorter) or played twice (longer) with a cross-fade
 * across it, and the voice keeps its pitch. Used by the playout to catch up after a stall and to
 * spread the last audio it holds when a stall is under way. Pure; runs on the audio thread.
 *
 * The period is found by normalised correlation of `x[0, L)` with `x[L, 2L)` over lags of
 * 2.5–12 ms (voices of 83–400 Hz), searched on a 4× decimated copy and refined at full rate.
 * A frame that does not repeat itself well enough (a plosive, a chirp, noise) is left alone.
 */

/** Lags searched (ms): 400 Hz down to 83 Hz. */
export const MIN_PERIOD_MS = 2.5;
const MAX_LAG_MS = 12;
/** Correlation below this: not periodic enough to cut or repeat without an audible seam. */
export const MIN_CORRELATION = 0.7;
const DECIMATE = 4;
let scratch = new Float32Array(0);

export interface Period {
  /** Samples. */
  lag: number;
  /** Normalised correlation of the two periods, −1..1. */
  corr: number;
}

/**
 * The pitch period of `x` from `at` (two periods must fit after it), or null for no signal.
 */
export function findPeriod(whole: Float32Array, sampleRate: number, at = 0): Period | null {
  const x = at ? whole.subarray(at) : whole;
  const minLag = Math.round((MIN_PERIOD_MS / 1_000) * sampleRate);
  const maxLag = Math.min(Math.round((MAX_LAG_MS / 1_000) * sampleRate), Math.floor(x.length / 2));
  if (maxLag < minLag) return null;
  // A scratch buffer, not a new array per call: this runs on the audio thread, where garbage
  // collection would glitch the output.
  const n = Math.floor(x.length / DECIMATE);
  if (scratch.length < n) scratch = new Float32Array(n);
  const d = scratch.subarray(0, n);
  for (let i = 0; i < d.length; i++) {
    let s = 0;
    for (let k = 0; k < DECIMATE; k++) s += x[i * DECIMATE + k]!;
    d[i] = s / DECIMATE;
  }
  let coarse: Period | null = null;
  for (let lag = Math.ceil(minLag / DECIMATE); lag <= Math.floor(maxLag / DECIMATE); lag++) {
    const corr = correlation(d, lag);
    if (corr !== null && (!coarse || corr > coarse.corr)) coarse = { lag, corr };
  }
  if (!coarse) return null;
  let best: Period | null = null;
  const centre = coarse.lag * DECIMATE;
  for (let lag = Math.max(minLag, centre - DECIMATE); lag <= Math.min(maxLag, centre + DECIMATE); lag++) {
    const corr = correlation(x, lag);
    if (corr !== null && (!best || corr > best.corr)) best = { lag, corr };
  }
  return best;
}

/**
 * `x` with the period at `at` taken out: `x[at, at+L)` cross-faded into `x[at+L, at+2L)`.
 * Length n − L.
 */
export function removePeriod(x: Float32Array, lag: number, at = 0): Float32Array {
  const out = new Float32Array(x.length - lag);
  out.set(x.subarray(0, at));
  for (let i = 0; i < lag; i++) {
    const w = (i + 0.5) / lag;
    out[at + i] = x[at + i]! * (1 - w) + x[at + i + lag]! * w;
  }
  out.set(x.subarray(at + 2 * lag), at + lag);
  return out;
}

/**
 * `x` with the period at `at` played twice: `x[0, at+L)`, then `x[at+L, at+2L)` cross-faded into
 * `x[at, at+L)`, then `x[at+L, n)`. Length n + L.
 */
export function insertPeriod(x: Float32Array, lag: number, at = 0): Float32Array {
  const out = new Float32Array(x.length + lag);
  out.set(x.subarray(0, at + lag));
  for (let i = 0; i < lag; i++) {
    const w = (i + 0.5) / lag;
    out[at + lag + i] = x[at + lag + i]! * (1 - w) + x[at + i]! * w;
  }
  out.set(x.subarray(at + lag), at + 2 * lag);
  return out;
}

/** Normalised correlation of `x[0, lag)` with `x[lag, 2·lag)`; null when either is silent. */
function correlation(x: Float32Array, lag: number): number | null {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < lag; i++) {
    const a = x[i]!;
    const b = x[i + lag]!;
    ab += a * b;
    aa += a * a;
    bb += b * b;
  }
  if (aa < 1e-9 || bb < 1e-9) return null;
  return ab / Math.sqrt(aa * bb);
}
