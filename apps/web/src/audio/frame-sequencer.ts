/**
 * Turns the encoder's Opus packets into wire frames (docs/protocol.md, "Binary audio frames") for one
 * granted stream: seq +1 per frame from 0, wrapping at 2^16. Every packet goes out the moment it is
 * encoded; the end of the transmission is flagged on one more frame, a 20 ms Opus silence packet,
 * sent by `finish()` — holding each packet back until the next one showed it was not the last
 * would add a frame (20 ms) to every listener's latency.
 */
import { encodeAudioFrame } from "@won/protocol";

/**
 * An Opus packet of 20 ms of silence: TOC 0xF8 (CELT, fullband, 20 ms, one frame, mono) and a
 * two-byte frame that decodes to zeros.
 */
export const SILENCE_PACKET = Uint8Array.of(0xf8, 0xff, 0xfe);

export class FrameSequencer {
  private seq = 0;

  constructor(readonly streamId: number) {}

  /** The frame of the next packet. */
  push(packet: Uint8Array): Uint8Array {
    return this.frame(packet, false);
  }

  /** The final frame (silence, flagged last). Null if nothing was sent: there is nothing to end. */
  finish(): Uint8Array | null {
    return this.seq === 0 ? null : this.frame(SILENCE_PACKET, true);
  }

  /** Frames sent so far (the next seq, modulo 2^16 aside). */
  get sent(): number {
    return this.seq;
  }

  private frame(packet: Uint8Array, last: boolean): Uint8Array {
    const f = encodeAudioFrame(this.streamId, this.seq & 0xffff, packet, last);
    this.seq++;
    return f;
  }
}

/** Signed distance from seq `b` to seq `a` on the 16-bit wrapping sequence space (RFC 1982 style). */
export function seqDelta(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}
