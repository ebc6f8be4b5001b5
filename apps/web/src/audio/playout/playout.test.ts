import { describe, expect, it } from "vitest";
import { DEFAULT_PLAYOUT, Playout } from "./playout";

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
) {
  const p = new Playout(opts);
  const arrivals = kinds.map((_, k) => Math.max(0, Math.round(arrival(k))));
  const horizon = Math.max(...arrivals) + ms(2_000);
  const out = new Float32Array(horizon + Q);
  let next = 0;
  let drainedAt = -1;
  for (let t = 0; t < horizon; t += Q) {
    while (next < kinds.length && arrivals[next]! <= t) {
      p.push(frame(kinds[next]!, 0), arrivals[next]!);
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
