import { describe, expect, it } from "vitest";
import { DEFAULT_JITTER, JitterBuffer } from "./jitter-buffer";

const F = 0.02;

describe("JitterBuffer", () => {
  it("starts ~60 ms behind the first frame and plays back to back", () => {
    const jb = new JitterBuffer();
    const a = jb.place(10, 0, F);
    const b = jb.place(10.02, 1, F);
    expect(a).toEqual({ kind: "play", at: 10.06 });
    expect(b.kind).toBe("play");
    expect((b as { at: number }).at).toBeCloseTo(10.08, 9);
  });

  it("grows the delay after an underrun and restarts ahead of now", () => {
    const jb = new JitterBuffer();
    jb.place(0, 0, F);
    const late = jb.place(0.5, 1, F); // slot was 0.08, long gone
    expect(jb.stats.underruns).toBe(1);
    expect(jb.target).toBe(80);
    expect(late).toEqual({ kind: "play", at: 0.58 });
  });

  it("never queues deeper than the hard cap: a burst is dropped, not delayed", () => {
    const jb = new JitterBuffer();
    let dropped = 0;
    let maxDepth = 0;
    for (let i = 0; i < 100; i++) {
      const p = jb.place(1, i, F); // 100 frames (2 s) all at once
      if (p.kind === "drop") dropped++;
      else maxDepth = Math.max(maxDepth, p.at + F - 1);
    }
    expect(maxDepth).toBeLessThanOrEqual(0.3 + 1e-9);
    expect(dropped).toBeGreaterThan(80);
  });

  it("catches up gradually after a stall: most of a burst is still played", () => {
    const jb = new JitterBuffer();
    for (let i = 0; i < 10; i++) jb.place(i * F, i, F); // steady
    // A 200 ms stall, then the 10 held frames arrive at once, then steady again.
    let played = 0;
    for (let i = 10; i < 20; i++) if (jb.place(0.4, i, F).kind === "play") played++;
    expect(played).toBeGreaterThanOrEqual(7);
    // Latency comes back down to the target over the following frames.
    let last = 0;
    for (let i = 20; i < 80; i++) {
      const now = 0.4 + (i - 19) * F;
      const p = jb.place(now, i, F);
      if (p.kind === "play") last = p.at - now;
    }
    expect(last).toBeLessThanOrEqual(jb.target / 1000 + 3 * F + 1e-9);
  });

  it("drops duplicates and old frames, across the 16-bit wrap", () => {
    const jb = new JitterBuffer();
    expect(jb.place(0, 65_535, F).kind).toBe("play");
    expect(jb.place(0.02, 0, F).kind).toBe("play");
    expect(jb.place(0.03, 65_535, F)).toEqual({ kind: "drop", reason: "duplicate" });
    expect(jb.place(0.03, 0, F)).toEqual({ kind: "drop", reason: "duplicate" });
  });

  it("keeps latency bounded under sustained jitter (no drift)", () => {
    const jb = new JitterBuffer();
    let rand = 1;
    const rnd = () => {
      rand = (rand * 16807) % 2147483647;
      return rand / 2147483647;
    };
    let worst = 0;
    for (let i = 0; i < 3000; i++) {
      const arrive = i * F + rnd() * 0.12; // up to 120 ms of jitter
      const p = jb.place(arrive, i & 0xffff, F);
      if (p.kind === "play") worst = Math.max(worst, p.at - arrive);
    }
    expect(worst).toBeLessThanOrEqual(0.3);
    expect(jb.stats.played).toBeGreaterThan(2500);
  });

  it("shrinks the target again after a stable stretch", () => {
    const jb = new JitterBuffer({ ...DEFAULT_JITTER, shrinkAfterFrames: 10 });
    jb.place(0, 0, F);
    jb.place(1, 1, F); // underrun → 80
    expect(jb.target).toBe(80);
    for (let i = 2; i < 40; i++) jb.place(1 + (i - 1) * F, i, F);
    expect(jb.target).toBeLessThan(80);
  });
});
