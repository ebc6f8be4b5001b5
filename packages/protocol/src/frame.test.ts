import { describe, expect, it } from "vitest";
import {
  decodeAudioFrame,
  encodeAudioFrame,
  frameIsLast,
  frameSeq,
  frameStreamId,
  validateAudioFrame,
} from "./frame.js";

describe("audio frame codec", () => {
  it("round-trips every header field and the payload", () => {
    const payload = Uint8Array.from([0xfc, 1, 2, 3, 255]);
    const bytes = encodeAudioFrame(0xdead_beef, 65_535, payload, true);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x01, 0x01, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff]);
    const f = decodeAudioFrame(bytes);
    expect(f).toEqual({ streamId: 0xdead_beef, seq: 65_535, last: true, payload });
    expect(frameStreamId(bytes)).toBe(0xdead_beef);
  });

  it("wraps seq at 16 bits", () => {
    const f = decodeAudioFrame(encodeAudioFrame(1, 65_536 + 7, Uint8Array.of(1)));
    expect(typeof f === "object" && f.seq).toBe(7);
  });

  it("reads seq and the last flag in place, without decoding", () => {
    const frame = encodeAudioFrame(9, 0x1234, Uint8Array.of(1));
    expect(frameSeq(frame)).toBe(0x1234);
    expect(frameIsLast(frame)).toBe(false);
    const last = encodeAudioFrame(9, 65_535, Uint8Array.of(1), true);
    expect(frameSeq(last)).toBe(65_535);
    expect(frameIsLast(last)).toBe(true);
    // A view into a larger buffer reads its own header, not the buffer's.
    const inner = new Uint8Array(4 + last.length);
    inner.set(last, 4);
    expect(frameSeq(inner.subarray(4))).toBe(65_535);
  });

  it("rejects bad frames with a reason", () => {
    expect(validateAudioFrame(new Uint8Array(8))).toBe("too_short");
    expect(validateAudioFrame(new Uint8Array(8 + 1276).fill(1))).toBe("too_long");
    const wrongKind = encodeAudioFrame(1, 1, Uint8Array.of(1));
    wrongKind[0] = 0x02;
    expect(validateAudioFrame(wrongKind)).toBe("bad_kind");
    const wrongFlags = encodeAudioFrame(1, 1, Uint8Array.of(1));
    wrongFlags[1] = 0x80;
    expect(decodeAudioFrame(wrongFlags)).toBe("bad_flags");
  });

  it("refuses to encode out-of-range fields", () => {
    expect(() => encodeAudioFrame(-1, 0, Uint8Array.of(1))).toThrow(RangeError);
    expect(() => encodeAudioFrame(2 ** 32, 0, Uint8Array.of(1))).toThrow(RangeError);
    expect(() => encodeAudioFrame(1, 0, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodeAudioFrame(1, 0, new Uint8Array(1276))).toThrow(RangeError);
  });
});
