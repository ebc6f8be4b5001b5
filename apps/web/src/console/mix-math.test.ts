import { describe, expect, it } from "vitest";
import { channelForKey, dbToGain, energyRatioDb, MIN_DB, mixGains, panValue, rms } from "./mix-math";

describe("mix maths", () => {
  it("turns decibels into gains: unity at 0 dB, half amplitude at −6 dB, silence at the floor", () => {
    expect(dbToGain(0)).toBe(1);
    expect(dbToGain(-6)).toBeCloseTo(0.501, 3);
    expect(dbToGain(-12)).toBeCloseTo(0.251, 3);
    expect(dbToGain(MIN_DB)).toBe(0);
    expect(dbToGain(Number.NaN)).toBe(0);
    expect(dbToGain(99)).toBeCloseTo(dbToGain(12), 6);
  });

  it("measures energy ratios in dB, with silence as a finite floor", () => {
    expect(energyRatioDb(10, 1)).toBeCloseTo(10, 6);
    expect(energyRatioDb(1, 1)).toBe(0);
    expect(energyRatioDb(0, 1)).toBe(-120);
  });

  it("places channels hard left, centre and hard right", () => {
    expect([panValue("left"), panValue("centre"), panValue("right")]).toEqual([-1, 0, 1]);
  });

  it("ducks every non-priority channel by the set amount while a priority channel is live", () => {
    const base = { volumeDb: 0, muted: false, priority: false, live: false };
    const quiet = mixGains({ a: { ...base, priority: true }, b: base }, 12);
    expect(quiet.b!.duck).toBe(1);
    const g = mixGains(
      { a: { ...base, priority: true, live: true }, b: { ...base, live: true }, c: base },
      12,
    );
    expect(g.a!.duck).toBe(1);
    expect(20 * Math.log10(g.b!.duck)).toBeCloseTo(-12, 6);
    expect(20 * Math.log10(g.c!.duck)).toBeCloseTo(-12, 6);
  });

  it("never ducks one live priority channel under another, and mutes only what is muted", () => {
    const base = { volumeDb: -6, muted: false, priority: true, live: true };
    const g = mixGains({ a: base, b: { ...base, muted: true } }, 20);
    expect(g.a).toEqual({ fader: dbToGain(-6), duck: 1 });
    expect(g.b).toEqual({ fader: 0, duck: 1 });
  });

  it("maps number keys to tiles in order, nothing past the last tile", () => {
    const order = ["x", "y", "z"];
    expect(channelForKey("Digit1", order)).toBe("x");
    expect(channelForKey("Numpad3", order)).toBe("z");
    expect(channelForKey("Digit4", order)).toBeNull();
    expect(channelForKey("Digit0", order)).toBeNull();
    expect(channelForKey("KeyA", order)).toBeNull();
  });

  it("computes RMS of a block", () => {
    expect(rms(new Float32Array([1, -1, 1, -1]))).toBe(1);
    expect(rms(new Float32Array(0))).toBe(0);
  });
});
