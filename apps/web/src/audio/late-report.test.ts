import { describe, expect, it } from "vitest";
import { LATE_FLOOR_MS, lateMs, STALL_DELAY_MS } from "./late-report";
import { DEFAULT_PLAYOUT, Playout } from "./playout/playout";

const RATE = 48_000;
const FRAME = 960;
const voice = () => Float32Array.from({ length: FRAME }, (_, i) => 0.3 * Math.sin(i / 7));

/** Feeds 10 s of 20 ms frames whose arrival lateness is `late(i)` ms; returns the report then. */
function after(late: (i: number) => number) {
  const p = new Playout({ ...DEFAULT_PLAYOUT, sampleRate: RATE });
  const out = new Float32Array(128);
  let clock = 0;
  for (let i = 0; i < 500; i++) {
    const arrival = i * FRAME + Math.round((late(i) / 1_000) * RATE);
    for (; clock + 128 <= arrival; clock += 128) p.render(out, clock);
    p.push(voice(), arrival);
  }
  return { latenessFloorMs: p.latenessFloorMs, targetMs: p.targetMs };
}

describe("late reports", () => {
  it("stays quiet on a clean link and on a little jitter", () => {
    expect(lateMs(after(() => 0))).toBe(0);
    expect(lateMs(after((i) => (i * 7919) % 41))).toBe(0);
  });

  it("reports a stream whose every frame queues on the way", () => {
    // A downlink slower than the stream: each frame later than the last, by 0.5 ms a frame.
    const r = after((i) => i * 0.5);
    expect(r.latenessFloorMs).toBeGreaterThan(LATE_FLOOR_MS);
    expect(lateMs(r)).toBe(r.latenessFloorMs);
  });

  it("reports retransmission stalls that come again and again, not one now and then", () => {
    // Every 0.4 s a lost segment holds the next 10 frames until it is repaired ~300 ms later.
    const stalls = (every: number) => (i: number) => {
      const k = i % every;
      return k < 10 ? 300 - k * 20 : 0;
    };
    const r = after(stalls(20));
    expect(r.latenessFloorMs).toBeLessThan(LATE_FLOOR_MS);
    expect(r.targetMs).toBeGreaterThanOrEqual(STALL_DELAY_MS);
    expect(lateMs(r)).toBe(r.targetMs);
    // One such stall every 10 s is below the 95th percentile: no report.
    expect(lateMs(after(stalls(500)))).toBe(0);
  });
});
