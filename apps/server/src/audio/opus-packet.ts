/**
 * Opus packet duration from the packet's own header (RFC 6716 §3.1–3.2), without decoding.
 *
 * The recorder and the Ogg muxer need each packet's length in 48 kHz samples to compute
 * granule positions (RFC 7845 §4); a client's word for it is not trusted. Transmissions are
 * capped by the same declared duration, and packets whose duration is not one of
 * `LIMITS.audioPacketMs` are refused.
 */
import { LIMITS } from "@won/protocol";

/** Samples at 48 kHz in one Opus frame, indexed by the TOC `config` (RFC 6716 §3.1, Table 2). */
const FRAME_SAMPLES_BY_CONFIG: readonly number[] = [
  // 0–11 SILK-only (NB, MB, WB): 10, 20, 40, 60 ms
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880,
  // 12–15 Hybrid (SWB, FB): 10, 20 ms
  480, 960, 480, 960,
  // 16–31 CELT-only (NB, WB, SWB, FB): 2.5, 5, 10, 20 ms
  120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960,
];

/** A packet holds at most 120 ms of audio (RFC 6716 §3.2.5, requirement R5). */
export const OPUS_MAX_PACKET_SAMPLES = 5_760;

/** Samples per millisecond at the Opus reference rate of 48 kHz. */
export const OPUS_SAMPLES_PER_MS = 48;

/**
 * Number of 48 kHz samples the packet decodes to, from its TOC byte and frame-count code
 * (RFC 6716 §3.1–3.2): code 0 holds one frame, codes 1 and 2 two frames, code 3 `M` frames
 * where `M` is the low six bits of the second byte. The packet is `bytes` from `offset` on, so
 * an audio frame can be read in place (offset = its header's length) without a view.
 *
 * Returns 0 when the packet is not a valid Opus packet as far as the header can tell: empty
 * (R1), code 1 with an odd-length payload (R3), code 2 without its first frame length (R4),
 * code 3 without its count byte or with M = 0 (R5), or more than 120 ms of audio (R5).
 * Frame payloads are not checked; that takes a decoder.
 */
export function opusPacketSamples(bytes: Uint8Array, offset = 0): number {
  const length = bytes.length - offset;
  if (length < 1) return 0;
  const toc = bytes[offset]!;
  const frameSamples = FRAME_SAMPLES_BY_CONFIG[toc >> 3]!;
  let frames: number;
  switch (toc & 0x03) {
    case 0:
      frames = 1;
      break;
    case 1:
      // Two frames of equal size: the payload after the TOC splits evenly (R3).
      if ((length - 1) % 2 !== 0) return 0;
      frames = 2;
      break;
    case 2:
      // Two frames, the first one's length coded in 1 or 2 bytes after the TOC (R4).
      if (length < 2) return 0;
      frames = 2;
      break;
    default:
      if (length < 2) return 0;
      frames = bytes[offset + 1]! & 0x3f;
      if (frames === 0) return 0;
  }
  const samples = frames * frameSamples;
  return samples > OPUS_MAX_PACKET_SAMPLES ? 0 : samples;
}

/** Packet durations accepted in audio frames, in 48 kHz samples (`LIMITS.audioPacketMs`). */
const ALLOWED_PACKET_SAMPLES: ReadonlySet<number> = new Set(
  LIMITS.audioPacketMs.map((ms) => ms * OPUS_SAMPLES_PER_MS),
);

/**
 * Samples of the packet at `offset` if its duration is one an audio frame may carry
 * (`LIMITS.audioPacketMs`: 10, 20, 40 or 60 ms, whatever the frame count), else 0 — invalid
 * packets included. Hot path: no allocation.
 */
export function allowedPacketSamples(bytes: Uint8Array, offset = 0): number {
  const samples = opusPacketSamples(bytes, offset);
  return ALLOWED_PACKET_SAMPLES.has(samples) ? samples : 0;
}
