import { describe, expect, it } from "vitest";
import { DEFAULT_PLAYOUT, Playout } from "./playout";
import { findPeriod } from "./time-scale";

const SR = 48_000;
type Kind = "speech" | "silence";
const F = 960; // 20 ms
const Q = 128;
const ms = (n: number) => Math.round((n / 1_000) * SR);

/** A frame of a tone (speech stand-in) or of near-silence, tagged in its first sample. */
function frame(kind: "speech" | "silence", tag = 0): Float32Array {
  const pcm = new Float32Array(F);
  for (let i = 0; i < F; i++) pcm[i] = kind === "speech" ? 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR) : 0;
  pcm[0] = tag;
  return pcm;
}

/** Frame `k` of a continuous voiced sound: 150 Hz and two harmonics (period 320 samples). */
function voiced(k: number): Float32Array {
  const pcm = new Float32Array(F);
  for (let i = 0; i < F; i++) {
    const t = (k * F + i) / SR;
    pcm[i] = 0.3 * Math.sin(2 * Math.PI * 150 * t) + 0.15 * Math.sin(2 * Math.PI * 300 * t + 1);
  }
  return pcm;
}

/**
 * Runs a stream through the playout on a simulated clock: frame k (of `kinds`) arrives at
 * `arrival(k)` samples; render quanta run back to back. Returns the output and when each frame's
 * tag came out.
 */
function simulate(
  kinds: ("speech" | "silence")[],
  arrival: (k: number) => number,
  opts = DEFAULT_PLAYOUT,
  endAfter = true,
  make: (k: number) => Float32Array = (k) => frame(kinds[k]!, 0),
) {
  const p = new Playout(opts);
  const arrivals = kinds.map((_, k) => Math.max(0, Math.round(arrival(k))));
  const horizon = Math.max(...arrivals) + ms(2_000);
  const out = new Float32Array(horizon + Q);
  let next = 0;
  let drainedAt = -1;
  for (let t = 0; t < horizon; t += Q) {
    while (next < kinds.length && arrivals[next]! <= t) {
      p.push(make(next), arrivals[next]!);
      next++;
      if (next === kinds.length && endAfter) p.end();
    }
    const q = new Float32Array(Q);
    if (!p.render(q, t) && drainedAt < 0) drainedAt = t;
    out.set(q, t);
  }
  return { p, out, drainedAt };
}

/** Index of the first sample whose magnitude exceeds `min` at or after `from`. */
function firstSound(out: Float32Array, from = 0, min = 0.05): number {
  for (let i = from; i < out.length; i++) if (Math.abs(out[i]!) > min) return i;
  return -1;
}

describe("Playout", () => {
  it("on a clean link starts after the initial delay and plays every frame once, back to back", () => {
    const kinds = Array<"speech">(100).fill("speech");
    const { p, out, drainedAt } = simulate(kinds, (k) => 1_000 + k * F);
    expect(p.stats).toMatchObject({
      received: 100,
      played: 100,
      dropped: 0,
      underruns: 0,
      concealedSamples: 0,
    });
    const start = firstSound(out);
    expect(start - 1_000).toBeGreaterThanOrEqual(ms(DEFAULT_PLAYOUT.initialDelayMs) - Q);
    expect(start - 1_000).toBeLessThanOrEqual(ms(DEFAULT_PLAYOUT.initialDelayMs) + Q);
    expect(drainedAt).toBeGreaterThan(0);
    expect(p.drained).toBe(true);
  });

  it("brings an initial delay nobody needed down to the minimum, in pauses only", () => {
    // Speech in bursts of 10 frames with 5 silent frames between: 300 frames (6 s).
    const kinds = Array.from({ length: 300 }, (_, k): Kind => (k % 15 < 10 ? "speech" : "silence"));
    const { p } = simulate(kinds, (k) => k * F, { ...DEFAULT_PLAYOUT, initialDelayMs: 200 });
    expect(p.stats.dropped).toBe(0);
    expect(p.stats.skippedSilent).toBeGreaterThan(0);
    expect(p.stats.underruns).toBe(0);
    // Every speech frame was played: skipped frames are silent ones.
    expect(p.stats.played + p.stats.skippedSilent).toBe(300);
    expect(p.targetMs).toBeLessThan(40);
  });

  it("plays a frame that comes late rather than dropping it, and raises the delay to cover most of the lateness seen", () => {
    // Frames 50–59 held back 250 ms (a TCP retransmission stall), then released in a burst.
    const arrive = (k: number) => k * F + (k >= 50 && k < 60 ? ms(250) - (k - 50) * F : 0);
    const kinds = Array<"speech">(150).fill("speech");
    const { p } = simulate(kinds, arrive);
    expect(p.stats.dropped).toBe(0);
    expect(p.stats.played).toBe(150);
    expect(p.stats.underruns).toBe(1);
    expect(p.stats.concealedSamples).toBeGreaterThan(ms(150));
    expect(p.stats.concealedSamples).toBeLessThan(ms(260));
    // 10 of the 150 frames came 70–250 ms late: the delay covers all but the latest 5 %.
    expect(p.targetMs).toBeGreaterThan(100);
    expect(p.targetMs).toBeLessThan(200);
  });

  it("with the delay raised, the next stall of the same size leaves a shorter gap", () => {
    const stall = (k: number, at: number) => (k >= at && k < at + 10 ? ms(200) - (k - at) * F : 0);
    const kinds = Array.from({ length: 400 }, (_, k): Kind => (k % 25 < 20 ? "speech" : "silence"));
    const once = simulate(kinds, (k) => k * F + stall(k, 50)).p.stats;
    const { p } = simulate(kinds, (k) => k * F + stall(k, 50) + stall(k, 150));
    expect(p.stats.dropped).toBe(0);
    expect(p.stats.played + p.stats.skippedSilent).toBe(400);
    const second = p.stats.concealedSamples - once.concealedSamples;
    expect(once.concealedSamples).toBeGreaterThan(ms(120));
    // The delay covers 95 % of the lateness seen: the head of the next stall still comes late.
    expect(second).toBeLessThan(once.concealedSamples * 0.85);
  });

  it("forgets lateness that left the window: the delay comes back down", () => {
    const stall = (k: number) => (k >= 20 && k < 30 ? ms(200) - (k - 20) * F : 0);
    const kinds = Array.from({ length: 600 }, (_, k): Kind => (k % 25 < 20 ? "speech" : "silence"));
    const { p } = simulate(kinds, (k) => k * F + stall(k));
    expect(p.targetMs).toBeLessThan(20);
    expect(p.stats.skippedSilent + p.stats.compressedSamples).toBeGreaterThan(0);
  });

  it("catches up in long speech by playing a little faster, never by skipping speech", () => {
    const kinds = Array<"speech">(500).fill("speech");
    const { p } = simulate(kinds, (k) => k * F, { ...DEFAULT_PLAYOUT, initialDelayMs: 300 });
    expect(p.stats.skippedSilent).toBe(0);
    expect(p.stats.dropped).toBe(0);
    expect(p.stats.compressedSamples).toBeGreaterThan(ms(200));
    expect(p.stats.played).toBe(500);
  });

  it("when stalls are the pattern, covers 98 % of the lateness rather than 95 %", () => {
    // Every second: 6 frames held 150 ms behind a loss, and one of those stalls in three is a
    // 300 ms one (a lost retransmission) — 12 % of frames ≥ 100 ms late, 2–3 % ≥ 250 ms.
    const late = (k: number) => {
      const i = k % 50;
      if (i >= 6) return 0;
      return (k % 150 < 50 ? ms(300) : ms(150)) - i * F;
    };
    const kinds = Array<"speech">(600).fill("speech");
    const at95 = simulate(kinds, (k) => k * F + late(k), { ...DEFAULT_PLAYOUT, stallQuantile: 0.95 }).p;
    const at98 = simulate(kinds, (k) => k * F + late(k)).p;
    expect(at95.targetMs).toBeGreaterThan(100);
    expect(at95.targetMs).toBeLessThan(200);
    expect(at98.targetMs).toBeGreaterThan(200);
    expect(at98.stats.concealedSamples).toBeLessThan(at95.stats.concealedSamples * 0.85);
    // A clean link with a little jitter stays on 95 %: its delay is not raised by it.
    const jitter = (k: number) => ((k * 7919) % 13) * 48 + (k % 40 === 0 ? ms(30) : 0);
    const clean95 = simulate(kinds, (k) => k * F + jitter(k), { ...DEFAULT_PLAYOUT, stallQuantile: 0.95 }).p;
    const clean = simulate(kinds, (k) => k * F + jitter(k)).p;
    expect(clean.targetMs).toBe(clean95.targetMs);
  });

  it("catches up in voiced speech by taking out pitch periods: the voice keeps its pitch", () => {
    const kinds = Array<"speech">(500).fill("speech");
    const { p, out } = simulate(
      kinds,
      (k) => k * F,
      { ...DEFAULT_PLAYOUT, initialDelayMs: 300 },
      true,
      voiced,
    );
    expect(p.stats.compressedSamples).toBeGreaterThan(ms(200));
    expect(p.stats.played).toBe(500);
    expect(p.stats.underruns).toBe(0);
    // Played faster by resampling, 150 Hz would come out higher (a shorter period).
    const start = firstSound(out);
    for (const at of [ms(500), ms(1_000), ms(2_000)]) {
      const period = findPeriod(out.subarray(start + at, start + at + F), SR)!;
      expect(Math.abs(period.lag - 320)).toBeLessThanOrEqual(2);
      expect(period.corr).toBeGreaterThan(0.95);
    }
  });

  it("during a stall, plays the voiced audio it holds a little longer: a shorter gap", () => {
    // A 240 ms stall every second; the delay grows to cover most of it.
    const stall = (k: number) => (k % 50 >= 40 ? ms(240) - ((k % 50) - 40) * F : 0);
    const kinds = Array<"speech">(500).fill("speech");
    const run = (stretchFromMs: number) =>
      simulate(
        kinds,
        (k) => k * F + stall(k),
        // The 95 % delay leaves the stalls' heads uncovered (the 98 % one would cover them).
        { ...DEFAULT_PLAYOUT, stallQuantile: DEFAULT_PLAYOUT.quantile, stretchFromMs },
        true,
        voiced,
      ).p.stats;
    const plain = run(Number.POSITIVE_INFINITY);
    const stretched = run(DEFAULT_PLAYOUT.stretchFromMs);
    expect(plain.stretchedSamples).toBe(0);
    expect(stretched.stretchedSamples).toBeGreaterThan(ms(100));
    expect(stretched.played).toBe(500);
    expect(plain.concealedSamples).toBeGreaterThan(ms(100));
    expect(stretched.concealedSamples).toBeLessThan(plain.concealedSamples * 0.8);
  });

  it("fills a short gap in voiced speech with the voice fading, not a hole, and joins the next frame without a click", () => {
    // Frame 50 is held 60 ms (a retransmission); 51 and 52 wait behind it, then all three come.
    const arrive = (k: number) => (k >= 50 && k <= 52 ? 50 * F + ms(60) : k * F);
    const kinds = Array<"speech">(100).fill("speech");
    const { p, out } = simulate(kinds, arrive, DEFAULT_PLAYOUT, true, voiced);
    expect(p.stats.underruns).toBe(1);
    expect(p.stats.concealedSamples).toBeGreaterThan(ms(20));
    expect(p.stats.played).toBe(100);
    const start = firstSound(out);
    let end = out.length - 1;
    while (out[end] === 0) end--;
    let zeros = 0;
    let longest = 0;
    for (let i = start; i < end; i++) {
      zeros = out[i] === 0 ? zeros + 1 : 0;
      longest = Math.max(longest, zeros);
    }
    expect(longest).toBeLessThan(ms(5));
    let step = 0;
    for (let i = start + 1; i < end; i++) step = Math.max(step, Math.abs(out[i]! - out[i - 1]!));
    const src = voiced(7);
    let srcStep = 0;
    for (let i = 1; i < F; i++) srcStep = Math.max(srcStep, Math.abs(src[i]! - src[i - 1]!));
    expect(step).toBeLessThan(srcStep * 1.5);
  });

  it("conceals only the start of a long gap: after the fade it stays silent, not repeating", () => {
    // Frames 50–52 held 400 ms: far longer than the 60 ms concealment.
    const arrive = (k: number) => (k >= 50 && k <= 52 ? 50 * F + ms(400) : k * F);
    const { p, out } = simulate(Array<"speech">(100).fill("speech"), arrive, DEFAULT_PLAYOUT, true, voiced);
    expect(p.stats.underruns).toBe(1);
    const start = firstSound(out);
    let zeros = 0;
    let longest = 0;
    for (let i = start; i < start + 100 * F && i < out.length; i++) {
      zeros = out[i] === 0 ? zeros + 1 : 0;
      longest = Math.max(longest, zeros);
    }
    expect(longest).toBeGreaterThan(ms(250));
  });

  it("drops the oldest audio only beyond the hard cap", () => {
    // The first frame, then nothing for 2 s, then 2 s of audio at once.
    const kinds = Array<"speech">(101).fill("speech");
    const { p } = simulate(kinds, (k) => (k === 0 ? 0 : ms(2_000)));
    expect(p.stats.dropped).toBeGreaterThan(60);
    expect(p.stats.played + p.stats.dropped).toBe(101);
  });

  it("does not count the grant burst (audio captured before the floor was granted) as lateness", () => {
    // 10 frames captured before the grant arrive together at t = 0, then one every 20 ms.
    const arrive = (k: number) => (k < 10 ? 0 : (k - 9) * F);
    const kinds = Array.from({ length: 200 }, (_, k): Kind => (k % 20 < 15 ? "speech" : "silence"));
    const { p } = simulate(kinds, arrive);
    expect(p.stats.dropped).toBe(0);
    expect(p.stats.underruns).toBe(0);
    expect(p.targetMs).toBeLessThan(40);
  });

  it("fades into a gap instead of clicking", () => {
    const kinds = Array<"speech">(40).fill("speech");
    const { out } = simulate(kinds, (k) => k * F + (k >= 20 ? ms(300) : 0));
    // Find the gap: the last loud sample before a run of zeros must be a faded one.
    const start = firstSound(out);
    let end = start;
    while (end < out.length && !(out[end] === 0 && out[end + 1] === 0 && out[end + 2] === 0)) end++;
    const tail = Math.max(...Array.from(out.subarray(end - 8, end), Math.abs));
    expect(tail).toBeLessThan(0.05);
  });

  it("a stream that ends while waiting to start still plays what it has", () => {
    const p = new Playout();
    p.push(frame("speech"), 0);
    p.end();
    let played = 0;
    for (let t = 0; t < ms(500); t += Q) {
      const q = new Float32Array(Q);
      p.render(q, t);
      played += q.filter((s) => s !== 0).length;
    }
    expect(played).toBeGreaterThan(F * 0.9);
    expect(p.drained).toBe(true);
  });

  it("tells a link slower than the stream (every frame queued) from a retransmission (one burst late)", () => {
    // 20 ms frames through a link that carries only 16 ms of them per 20 ms: the queue grows.
    const slow = simulate(Array<Kind>(150).fill("speech"), (k) => k * F * 1.25, DEFAULT_PLAYOUT, false);
    expect(slow.p.latenessFloorMs).toBeGreaterThan(300);
    const stall = (k: number) => k * F + (k >= 50 && k < 60 ? ms(250) - (k - 50) * F : 0);
    const lossy = simulate(Array<Kind>(150).fill("speech"), stall, DEFAULT_PLAYOUT, false);
    expect(lossy.p.latenessFloorMs).toBeLessThan(5);
  });
});
