/**
 * Turns the encoder's Opus packets into wire frames (docs/protocol.md, "Binary audio frames") for one
 * granted stream: seq +1 per frame from 0, wrapping at 2^16, and flags bit 0 on the final frame.
 * The encoder does not know which packet is the last until the speaker lets go, so the newest
 * packet is held back one step and `finish()` emits it with the last-frame flag.
 */
import { encodeAudioFrame } from "@won/protocol";

export class FrameSequencer {
  private seq = 0;
  private held: Uint8Array | null = null;

  constructor(readonly streamId: number) {}

  /** Takes the next packet; returns the frame of the previous one, if any. */
  push(packet: Uint8Array): Uint8Array | null {
    const prev = this.held;
    this.held = packet;
    return prev ? this.frame(prev, false) : null;
  }

  /** Emits the held packet flagged as last. Null if no packet was ever pushed. */
  finish(): Uint8Array | null {
    const prev = this.held;
    this.held = null;
    return prev ? this.frame(prev, true) : null;
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
