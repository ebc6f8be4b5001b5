/**
 * Collects the Opus packets of one push-to-talk transmission as its frames arrive and turns
 * them into an Ogg Opus file when it ends.
 */
import { LIMITS } from "@won/protocol";
import { DEFAULT_PRE_SKIP, muxOggOpus, type OggOpusOptions, oggPlaybackMs } from "./ogg-opus.js";
import { OPUS_SAMPLES_PER_MS, opusPacketSamples } from "./opus-packet.js";

export interface TransmissionRecorderOptions {
  /** Packets kept at most; later ones are dropped and counted. 3,000 (60 s of 20 ms) by default. */
  maxPackets?: number;
  /** Packet bytes kept at most; 3,000 × 1,275 by default. */
  maxBytes?: number;
  /**
   * How far (in packets) behind the newest sequence number a late frame may arrive and still be
   * put in its place; older ones are dropped as late. 50 (1 s of 20 ms packets) by default.
   */
  reorderWindow?: number;
  /** Passed to the muxer (serial, tags …). */
  ogg?: OggOpusOptions;
}

/** Why frames were not recorded, counted since construction. */
export interface RecorderDrops {
  /** A sequence number already recorded. */
  duplicate: number;
  /** Older than the reorder window. */
  late: number;
  /** Not a valid Opus packet (see `opusPacketSamples`) or longer than 1,275 bytes. */
  invalid: number;
  /** Beyond `maxPackets` or `maxBytes`. */
  overflow: number;
  /** Pushed after `finish()`. */
  finished: number;
}

export interface Recording {
  /** The Ogg Opus file (RFC 7845). */
  ogg: Buffer;
  /**
   * Playback length of the file in whole milliseconds, as opusinfo and ffprobe report it: the
   * packets' duration minus the pre-skip (6.5 ms by default), rounded.
   */
  durationMs: number;
  /** Audio packets in the file. */
  packets: number;
}

/** Packets are copied into slabs of this size, so a transmission costs a handful of allocations. */
const SLAB_BYTES = 64 * 1024;

/**
 * One transmission's packets, keyed by their 16-bit frame sequence number.
 *
 * Contract: `push` copies the packet (the caller's buffer may be reused at once), places it by
 * sequence number (unwrapped across 65535 → 0, relative to the newest seen), drops duplicates,
 * invalid packets, frames more than `reorderWindow` behind the newest and anything beyond the
 * caps, counting each in `drops`. Gaps stay gaps: nothing is invented for a missing frame.
 * Memory is bounded by `maxBytes` plus the unused tails of its 64 KiB slabs.
 */
export class TransmissionRecorder {
  readonly drops: RecorderDrops = { duplicate: 0, late: 0, invalid: 0, overflow: 0, finished: 0 };
  private readonly maxPackets: number;
  private readonly maxBytes: number;
  private readonly reorderWindow: number;
  private readonly ogg: OggOpusOptions;
  /** Unwrapped sequence numbers and packets, in arrival order. */
  private readonly seqs: number[] = [];
  private readonly packets: Uint8Array[] = [];
  private readonly seen = new Set<number>();
  private newest = 0;
  private outOfOrder = false;
  private bytes = 0;
  private samples = 0;
  private slab = new Uint8Array(0);
  private slabUsed = 0;
  private done = false;

  constructor(opts: TransmissionRecorderOptions = {}) {
    this.maxPackets = opts.maxPackets ?? 3_000;
    this.maxBytes = opts.maxBytes ?? 3_000 * LIMITS.opusPacketMax;
    this.reorderWindow = opts.reorderWindow ?? 50;
    this.ogg = opts.ogg ?? {};
  }

  /** Packets recorded so far. */
  get packetCount(): number {
    return this.packets.length;
  }

  /** Duration of the packets recorded so far in milliseconds (their samples / 48, pre-skip included). */
  get durationMs(): number {
    return this.samples / OPUS_SAMPLES_PER_MS;
  }

  /** Records one frame's packet; returns whether it was kept. */
  push(seq: number, packet: Uint8Array): boolean {
    if (this.done) return this.drop("finished");
    const samples = packet.length <= LIMITS.opusPacketMax ? opusPacketSamples(packet) : 0;
    if (samples === 0) return this.drop("invalid");

    let unwrapped: number;
    if (this.packets.length === 0) unwrapped = seq & 0xffff;
    else {
      // The nearest value to the newest that is congruent to seq mod 2^16 (RFC 3550 style).
      const delta = ((((seq - this.newest) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
      unwrapped = this.newest + delta;
      if (delta < -this.reorderWindow) return this.drop("late");
    }
    if (this.seen.has(unwrapped)) return this.drop("duplicate");
    if (this.packets.length >= this.maxPackets || this.bytes + packet.length > this.maxBytes)
      return this.drop("overflow");

    if (this.packets.length === 0 || unwrapped > this.newest) this.newest = unwrapped;
    else this.outOfOrder = true;
    this.seen.add(unwrapped);
    this.seqs.push(unwrapped);
    this.packets.push(this.copy(packet));
    this.bytes += packet.length;
    this.samples += samples;
    return true;
  }

  /**
   * Ends the transmission and muxes what was recorded, in sequence order; null when nothing
   * valid arrived (or less audio than the pre-skip, 6.5 ms: nothing to play). Later pushes are
   * dropped; a second call returns null.
   */
  finish(): Recording | null {
    if (this.done) return null;
    this.done = true;
    const preSkip = this.ogg.preSkip ?? DEFAULT_PRE_SKIP;
    if (this.packets.length === 0 || this.samples <= preSkip) return this.release(null);
    let packets = this.packets;
    if (this.outOfOrder) {
      const order = this.seqs.map((_, i) => i).sort((a, b) => this.seqs[a]! - this.seqs[b]!);
      packets = order.map((i) => this.packets[i]!);
    }
    const ogg = muxOggOpus(packets, this.ogg);
    return this.release({
      ogg,
      durationMs: Math.round(oggPlaybackMs(packets, preSkip)),
      packets: packets.length,
    });
  }

  /** Lets go of the packets (the caller may keep the recorder for its counters). */
  private release<T>(result: T): T {
    this.packets.length = 0;
    this.seqs.length = 0;
    this.seen.clear();
    this.slab = new Uint8Array(0);
    return result;
  }

  private drop(reason: keyof RecorderDrops): false {
    this.drops[reason]++;
    return false;
  }

  private copy(packet: Uint8Array): Uint8Array {
    if (this.slab.length - this.slabUsed < packet.length) {
      this.slab = new Uint8Array(Math.max(SLAB_BYTES, packet.length));
      this.slabUsed = 0;
    }
    const view = this.slab.subarray(this.slabUsed, this.slabUsed + packet.length);
    view.set(packet);
    this.slabUsed += packet.length;
    return view;
  }
}
