import { describe, expect, it } from "vitest";
import { allowedPacketSamples, OPUS_MAX_PACKET_SAMPLES, opusPacketSamples } from "./opus-packet.js";

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

describe("allowedPacketSamples", () => {
  it("accepts 20, 40 and 60 ms packets, however framed, and nothing else", () => {
    const ok: Array<[Uint8Array, number]> = [
      [packet(31, 0, 0xaa), 20],
      [packet(2, 0, 0xaa), 40],
      [packet(3, 0, 0xaa), 60],
      [packet(31, 1, 1, 2), 40], // two 20 ms frames
      [packet(31, 3, 3), 60], // three 20 ms frames
      [packet(18, 3, 6), 60], // six 10 ms frames
    ];
    for (const [p, ms] of ok) expect(allowedPacketSamples(p), `${p[0]}`).toBe(ms * 48);
    const refused = [
      packet(30, 0, 0xaa), // 10 ms
      packet(17, 1, 1, 2), // two 5 ms frames
      packet(16, 3, 4), // four 2.5 ms frames
      packet(16, 0, 0xaa), // 2.5 ms
      packet(17, 0, 0xaa), // 5 ms
      packet(16, 1, 1, 2), // 2 × 2.5 ms
      packet(31, 3, 4), // 80 ms
      packet(3, 1, 1, 2), // 120 ms
      packet(31, 3, 6), // 120 ms
      packet(31, 3, 0), // invalid
      new Uint8Array(0),
    ];
    for (const p of refused) expect(allowedPacketSamples(p), `${[...p]}`).toBe(0);
  });

  it("reads a packet in place after a header", () => {
    const frame = Uint8Array.from([1, 0, 0, 0, 0, 7, 0, 1, (31 << 3) | 3, 3]);
    expect(allowedPacketSamples(frame, 8)).toBe(60 * 48);
    expect(opusPacketSamples(frame, 8)).toBe(60 * 48);
    expect(allowedPacketSamples(frame, 10)).toBe(0);
  });
});
