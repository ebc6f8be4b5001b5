import { describe, expect, it } from "vitest";
import { OPUS_MAX_PACKET_SAMPLES, opusPacketSamples } from "./opus-packet.js";

/** A packet with TOC (config, stereo = 0, code) and `extra` payload bytes. */
const packet = (config: number, code: number, ...extra: number[]) =>
  Uint8Array.from([(config << 3) | code, ...extra]);

// RFC 6716 §3.1 Table 2: frame size in ms per config.
const FRAME_MS: Array<[configs: number[], ms: number]> = [
  [[0, 4, 8], 10],
  [[1, 5, 9], 20],
  [[2, 6, 10], 40],
  [[3, 7, 11], 60],
  [[12, 14], 10],
  [[13, 15], 20],
  [[16, 20, 24, 28], 2.5],
  [[17, 21, 25, 29], 5],
  [[18, 22, 26, 30], 10],
  [[19, 23, 27, 31], 20],
];

describe("opusPacketSamples", () => {
  it("covers all 32 configs", () => {
    expect(FRAME_MS.flatMap(([c]) => c).sort((a, b) => a - b)).toEqual([...Array(32).keys()]);
  });

  for (const [configs, ms] of FRAME_MS) {
    for (const config of configs) {
      it(`config ${config}: ${ms} ms frames, codes 0–3`, () => {
        const frame = ms * 48;
        expect(opusPacketSamples(packet(config, 0, 0xaa))).toBe(frame);
        expect(opusPacketSamples(packet(config, 0))).toBe(frame); // TOC only: a 0-byte frame (DTX)
        expect(opusPacketSamples(packet(config, 1, 1, 2))).toBe(2 * frame);
        expect(opusPacketSamples(packet(config, 2, 1, 9, 9))).toBe(2 * frame);
        for (let m = 1; m <= 48; m++) {
          const expected = m * frame <= OPUS_MAX_PACKET_SAMPLES ? m * frame : 0;
          expect(opusPacketSamples(packet(config, 3, m))).toBe(expected);
        }
      });
    }
  }

  it("ignores the stereo bit and the VBR/padding bits of the count byte", () => {
    expect(opusPacketSamples(Uint8Array.from([(31 << 3) | 0x04, 1]))).toBe(960);
    expect(opusPacketSamples(packet(19, 3, 0xc0 | 3, 0))).toBe(3 * 960);
  });

  it("returns 0 for invalid packets", () => {
    expect(opusPacketSamples(new Uint8Array(0))).toBe(0); // empty (R1)
    expect(opusPacketSamples(packet(31, 1, 1))).toBe(0); // code 1, odd payload (R3)
    expect(opusPacketSamples(packet(31, 2))).toBe(0); // code 2 without a frame length (R4)
    expect(opusPacketSamples(packet(31, 3))).toBe(0); // code 3 without count byte
    expect(opusPacketSamples(packet(31, 3, 0))).toBe(0); // M = 0
    expect(opusPacketSamples(packet(31, 3, 7))).toBe(0); // 7 × 20 ms = 140 ms > 120 ms
    expect(opusPacketSamples(packet(3, 3, 3))).toBe(0); // 3 × 60 ms
    expect(opusPacketSamples(packet(16, 3, 48))).toBe(5_760); // 48 × 2.5 ms = 120 ms is the limit
    expect(opusPacketSamples(packet(16, 3, 49))).toBe(0);
  });
});
