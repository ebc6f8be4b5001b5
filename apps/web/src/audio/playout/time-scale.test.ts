import { describe, expect, it } from "vitest";
import { findPeriod, insertPeriod, MIN_CORRELATION, removePeriod } from "./time-scale";

const SR = 48_000;

/** A voiced sound: 150 Hz and two harmonics (period 320 samples). */
function voice(n: number, from = 0): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = (from + i) / SR;
    x[i] =
      0.3 * Math.sin(2 * Math.PI * 150 * t) +
      0.15 * Math.sin(2 * Math.PI * 300 * t + 1) +
      0.08 * Math.sin(2 * Math.PI * 450 * t + 2);
  }
  return x;
}

/** The largest step between neighbouring samples: a seam shows up as a jump. */
const maxStep = (x: Float32Array) => {
  let m = 0;
  for (let i = 1; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - x[i - 1]!));
  return m;
};

describe("time scale", () => {
  it("finds the pitch period of a voiced frame", () => {
    const p = findPeriod(voice(960, 123), SR);
    expect(p).not.toBeNull();
    expect(Math.abs(p!.lag - 320)).toBeLessThanOrEqual(1);
    expect(p!.corr).toBeGreaterThan(0.98);
  });

  it("finds no period worth using in noise or silence", () => {
    let seed = 7;
    const noise = Float32Array.from({ length: 960 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 30 - 1;
    });
    expect(findPeriod(noise, SR)!.corr).toBeLessThan(MIN_CORRELATION);
    expect(findPeriod(new Float32Array(960), SR)).toBeNull();
  });

  it("takes one period out or plays one twice, keeping the pitch and without a seam", () => {
    const x = voice(960, 77);
    const shorter = removePeriod(x, 320);
    const longer = insertPeriod(x, 320);
    expect(shorter.length).toBe(640);
    expect(longer.length).toBe(1_280);
    // Two periods fit only in the longer one; it still repeats every 320 samples.
    expect(Math.abs(findPeriod(longer, SR)!.lag - 320)).toBeLessThanOrEqual(1);
    expect(maxStep(shorter)).toBeLessThan(maxStep(x) * 1.2);
    expect(maxStep(longer)).toBeLessThan(maxStep(x) * 1.2);
    // What follows the cut is the input, untouched.
    expect(Array.from(shorter.subarray(320))).toEqual(Array.from(x.subarray(640)));
    expect(Array.from(longer.subarray(640))).toEqual(Array.from(x.subarray(320)));
  });
});
