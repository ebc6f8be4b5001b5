import { decodeAudioFrame } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { FrameSequencer, SILENCE_PACKET, seqDelta } from "./frame-sequencer";

const decode = (f: Uint8Array | null) => {
  const d = decodeAudioFrame(f!);
  if (typeof d === "string") throw new Error(d);
  return d;
};

describe("FrameSequencer", () => {
  it("sends every packet at once, numbered +1 from 0, and ends with a flagged silence frame", () => {
    const s = new FrameSequencer(0xdeadbeef);
    const f0 = decode(s.push(new Uint8Array([1])));
    const f1 = decode(s.push(new Uint8Array([2])));
    const end = decode(s.finish());
    expect([f0.seq, f1.seq, end.seq]).toEqual([0, 1, 2]);
    expect([f0.last, f1.last, end.last]).toEqual([false, false, true]);
    expect([f0.payload[0], f1.payload[0]]).toEqual([1, 2]);
    expect([...end.payload]).toEqual([...SILENCE_PACKET]);
    expect(end.streamId).toBe(0xdeadbeef);
  });

  it("wraps seq at 2^16", () => {
    const s = new FrameSequencer(7);
    let last = -1;
    for (let i = 0; i < 70_000; i++) last = decode(s.push(new Uint8Array([i & 0xff]))).seq;
    expect(last).toBe((70_000 - 1) % 65_536);
  });

  it("returns null from finish when nothing was encoded", () => {
    expect(new FrameSequencer(1).finish()).toBeNull();
  });
});

describe("seqDelta", () => {
  it("measures distance across the wrap", () => {
    expect(seqDelta(5, 3)).toBe(2);
    expect(seqDelta(3, 5)).toBe(-2);
    expect(seqDelta(1, 65_535)).toBe(2);
    expect(seqDelta(65_535, 1)).toBe(-2);
  });
});
