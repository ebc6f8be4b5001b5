/**
 * Binary audio frame codec (docs/protocol.md, "Binary audio frames"). One WebSocket binary message is
 * one frame carrying one Opus packet (RFC 6716), 48 kHz mono, normally 20 ms.
 *
 *   offset 0  u8     kind = 0x01 (audio)
 *   offset 1  u8     flags (bit 0: last frame of the transmission)
 *   offset 2  u32be  streamId
 *   offset 6  u16be  seq, +1 per frame, wraps at 65536
 *   offset 8  n      Opus packet, 1 <= n <= 1275
 *
 * Works on any Uint8Array (Node Buffers included) so browser and server share it.
 */
import { LIMITS } from "./limits.js";

export const FRAME_KIND_AUDIO = 0x01;
export const FRAME_FLAG_LAST = 0x01;
export const FRAME_HEADER_BYTES = LIMITS.audioHeaderBytes;

export interface AudioFrame {
  streamId: number;
  seq: number;
  last: boolean;
  /** A view into the frame's bytes, not a copy. */
  payload: Uint8Array;
}

export type FrameError = "too_short" | "too_long" | "bad_kind" | "bad_flags";

/** Encodes a frame into a new buffer. Throws RangeError on out-of-range fields. */
export function encodeAudioFrame(
  streamId: number,
  seq: number,
  payload: Uint8Array,
  last = false,
): Uint8Array {
  if (!Number.isInteger(streamId) || streamId < 0 || streamId > 0xffff_ffff)
    throw new RangeError("streamId out of range");
  if (payload.length < 1 || payload.length > LIMITS.opusPacketMax)
    throw new RangeError("payload must be 1..1275 bytes");
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = FRAME_KIND_AUDIO;
  out[1] = last ? FRAME_FLAG_LAST : 0;
  view.setUint32(2, streamId >>> 0, false);
  view.setUint16(6, seq & 0xffff, false);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** Checks a frame's header without copying; returns the reason it is invalid, or null. */
export function validateAudioFrame(bytes: Uint8Array): FrameError | null {
  if (bytes.length < FRAME_HEADER_BYTES + 1) return "too_short";
  if (bytes.length > FRAME_HEADER_BYTES + LIMITS.opusPacketMax) return "too_long";
  if (bytes[0] !== FRAME_KIND_AUDIO) return "bad_kind";
  if ((bytes[1]! & ~FRAME_FLAG_LAST) !== 0) return "bad_flags";
  return null;
}

/** Reads the streamId of a frame that passed validateAudioFrame. Hot path: no allocation. */
export function frameStreamId(bytes: Uint8Array): number {
  return ((bytes[2]! << 24) | (bytes[3]! << 16) | (bytes[4]! << 8) | bytes[5]!) >>> 0;
}

/** Reads the seq of a frame that passed validateAudioFrame. Hot path: no allocation. */
export function frameSeq(bytes: Uint8Array): number {
  return (bytes[6]! << 8) | bytes[7]!;
}

/** Whether a frame that passed validateAudioFrame is the last of its transmission. */
export function frameIsLast(bytes: Uint8Array): boolean {
  return (bytes[1]! & FRAME_FLAG_LAST) !== 0;
}

/** Decodes a frame, or returns the reason it is invalid. */
export function decodeAudioFrame(bytes: Uint8Array): AudioFrame | FrameError {
  const err = validateAudioFrame(bytes);
  if (err) return err;
  return {
    streamId: frameStreamId(bytes),
    seq: frameSeq(bytes),
    last: frameIsLast(bytes),
    payload: bytes.subarray(FRAME_HEADER_BYTES),
  };
}
