/**
 * Ogg Opus files (RFC 7845 on top of the Ogg framing of RFC 3533): a one-shot muxer for a
 * finished transmission and a strict demuxer for tests and sanity checks.
 *
 * Layout written by the muxer, one logical stream, mono by default:
 *   page 0      OpusHead, BOS, granule 0, alone on its page (RFC 7845 §3)
 *   page 1..    OpusTags, starting on a fresh page; the page it completes on has granule 0
 *   page k..    audio, starting on a fresh page; each page's granule position is the number of
 *               samples decoded from the start of the stream up to the end of the last packet
 *               completed on it, -1 on pages where no packet completes (RFC 7845 §4, RFC 3533
 *               §6); EOS on the last page.
 * The first decoded sample is granule 0 and the decoder drops the first pre-skip samples
 * (RFC 7845 §4.2), so the file plays (last granule - pre-skip) / 48 ms: the packets' duration
 * less the encoder delay. This is what opusenc and ffmpeg write; opusinfo reports that length,
 * ffprobe's format duration reports last granule / 48 (pre-skip included), for our files and
 * opusenc's alike. Counting granules from pre-skip instead would describe a stream that starts
 * at a non-zero position (RFC 7845 §4.3) and shift ffprobe's figure by another pre-skip.
 * Pages are closed after about one second of audio or at 255 lacing values, whichever comes
 * first, like opusenc's default --max-delay.
 */

import {
  FLAG_BOS,
  FLAG_CONTINUED,
  FLAG_EOS,
  MAX_LACING_VALUES,
  NO_GRANULE,
  oggCrc32,
  PAGE_HEADER_BYTES,
} from "./ogg-page.js";
import { OPUS_SAMPLES_PER_MS, opusPacketSamples } from "./opus-packet.js";

export { type OggOpusFile, OggOpusFormatError, readOggOpus } from "./ogg-opus-reader.js";
export { oggCrc32 } from "./ogg-page.js";

/**
 * Close an audio page once it holds this much audio: opusenc's default --max-delay, which keeps
 * seeking granularity (a page is the unit a player bisects on) at about a second.
 */
const PAGE_TARGET_SAMPLES = 48_000;

/** One page to write: its lacing values start at `packet`/`offset` and run for `segments`. */
interface PagePlan {
  packet: number;
  offset: number;
  segments: number;
  bodyBytes: number;
  flags: number;
  granule: number;
}

/**
 * Splits `packets` (all starting on a fresh page) into pages. A packet of n bytes is
 * floor(n / 255) lacing values of 255 followed by one of n % 255, which is 0 when n is a
 * multiple of 255 (RFC 3533 §5); a packet that does not fit continues on the next page with
 * the continued flag. `granuleAfter(i)` is the granule position once packet i is complete.
 */
function planPages(
  packets: readonly Uint8Array[],
  granuleAfter: (i: number) => number,
  closeAfter: (samplesOnPage: number) => boolean,
  samplesOf: (i: number) => number,
  out: PagePlan[],
): void {
  let page: PagePlan | null = null;
  let samplesOnPage = 0;
  for (let i = 0; i < packets.length; i++) {
    const length = packets[i]!.length;
    let lacesLeft = Math.floor(length / 255) + 1;
    let bytesLeft = length;
    let offset = 0;
    while (lacesLeft > 0) {
      if (page === null) {
        page = {
          packet: i,
          offset,
          segments: 0,
          bodyBytes: 0,
          flags: offset > 0 ? FLAG_CONTINUED : 0,
          granule: NO_GRANULE,
        };
        samplesOnPage = 0;
      }
      const take = Math.min(lacesLeft, MAX_LACING_VALUES - page.segments);
      lacesLeft -= take;
      const bytes = lacesLeft === 0 ? bytesLeft : take * 255;
      page.segments += take;
      page.bodyBytes += bytes;
      bytesLeft -= bytes;
      offset += bytes;
      if (lacesLeft === 0) {
        page.granule = granuleAfter(i);
        samplesOnPage += samplesOf(i);
      }
      if (page.segments === MAX_LACING_VALUES || (lacesLeft === 0 && closeAfter(samplesOnPage))) {
        out.push(page);
        page = null;
      }
    }
  }
  if (page !== null) out.push(page);
}

/** Writes one planned page at `at` in `buf` and returns the offset after it. */
function writePage(
  buf: Buffer,
  at: number,
  plan: PagePlan,
  packets: readonly Uint8Array[],
  serial: number,
  sequence: number,
): number {
  buf.write("OggS", at, "latin1");
  buf[at + 4] = 0; // stream structure version
  buf[at + 5] = plan.flags;
  if (plan.granule === NO_GRANULE) {
    buf.writeUInt32LE(0xffff_ffff, at + 6);
    buf.writeUInt32LE(0xffff_ffff, at + 10);
  } else {
    buf.writeUInt32LE(plan.granule % 0x1_0000_0000, at + 6);
    buf.writeUInt32LE(Math.floor(plan.granule / 0x1_0000_0000), at + 10);
  }
  buf.writeUInt32LE(serial, at + 14);
  buf.writeUInt32LE(sequence, at + 18);
  buf.writeUInt32LE(0, at + 22); // CRC, filled in below
  buf[at + 26] = plan.segments;
  let lace = at + PAGE_HEADER_BYTES;
  let body = lace + plan.segments;
  let p = plan.packet;
  let offset = plan.offset;
  for (let s = 0; s < plan.segments; ) {
    // This packet's remaining lacing values that fit on the page, then its bytes in one copy.
    const packet = packets[p]!;
    const start = offset;
    let complete = false;
    while (s < plan.segments && !complete) {
      const value = Math.min(packet.length - offset, 255);
      buf[lace++] = value;
      offset += value;
      s++;
      complete = value < 255;
    }
    buf.set(start === 0 && offset === packet.length ? packet : packet.subarray(start, offset), body);
    body += offset - start;
    if (complete) {
      p++;
      offset = 0;
    }
  }
  buf.writeUInt32LE(oggCrc32(buf, at, body), at + 22);
  return body;
}

// --- Opus headers (RFC 7845 §5) --------------------------------------------------------------

export interface OggOpusOptions {
  /** Ogg bitstream serial number; random by default (RFC 3533 §4 asks for unique serials). */
  serial?: number;
  /** Samples at 48 kHz to discard at the start of decoding; 312 (opusenc's value) by default. */
  preSkip?: number;
  /** Sample rate of the original input, informational only (RFC 7845 §5.1); 48000 by default. */
  inputSampleRate?: number;
  /** 1 (default) or 2; channel mapping family 0 (RFC 7845 §5.1.1.1). */
  channels?: 1 | 2;
  /** Vendor string of the OpusTags header. */
  vendor?: string;
  /** User comments, written as `KEY=value` (RFC 7845 §5.2). */
  tags?: Record<string, string>;
}

/** opusenc's pre-skip: the 6.5 ms encoder delay of libopus at 48 kHz (RFC 7845 §5.1). */
export const DEFAULT_PRE_SKIP = 312;
const DEFAULT_VENDOR = "Operation Won";

function opusHead(channels: number, preSkip: number, inputSampleRate: number): Uint8Array {
  const head = Buffer.alloc(19);
  head.write("OpusHead", 0, "latin1");
  head[8] = 1; // version
  head[9] = channels;
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(inputSampleRate, 12);
  head.writeInt16LE(0, 16); // output gain
  head[18] = 0; // channel mapping family 0: mono or stereo, no mapping table
  return head;
}

function opusTags(vendor: string, tags: Record<string, string>): Uint8Array {
  const comments = Object.entries(tags).map(([key, value]) => {
    // Field names are printable ASCII 0x20–0x7D except '=' (Vorbis comment spec, RFC 7845 §5.2).
    if (!/^[\x20-\x3c\x3e-\x7d]+$/.test(key)) throw new RangeError(`invalid tag name ${JSON.stringify(key)}`);
    return Buffer.from(`${key}=${value}`, "utf8");
  });
  const vendorBytes = Buffer.from(vendor, "utf8");
  const size = 8 + 4 + vendorBytes.length + 4 + comments.reduce((n, c) => n + 4 + c.length, 0);
  const out = Buffer.alloc(size);
  out.write("OpusTags", 0, "latin1");
  let at = out.writeUInt32LE(vendorBytes.length, 8);
  at += vendorBytes.copy(out, at);
  at = out.writeUInt32LE(comments.length, at);
  for (const c of comments) {
    at = out.writeUInt32LE(c.length, at);
    at += c.copy(out, at);
  }
  return out;
}

// --- Muxer -----------------------------------------------------------------------------------

/** Duration in milliseconds of a sequence of Opus packets (sum of their samples / 48). */
export function durationMs(packets: readonly Uint8Array[]): number {
  let samples = 0;
  for (const p of packets) samples += opusPacketSamples(p);
  return samples / OPUS_SAMPLES_PER_MS;
}

/**
 * Playback length in ms of the file `muxOggOpus` makes of these packets: their duration minus
 * the pre-skip (RFC 7845 §4.2), never negative. This is what a decoder outputs and opusinfo
 * reports (ffprobe's format duration is `durationMs`, pre-skip included).
 */
export function oggPlaybackMs(packets: readonly Uint8Array[], preSkip = DEFAULT_PRE_SKIP): number {
  return Math.max(0, durationMs(packets) - preSkip / OPUS_SAMPLES_PER_MS);
}

/**
 * Wraps whole Opus packets (in order) into one Ogg Opus file (RFC 7845). Computes the layout
 * first and writes into a single Buffer. Throws RangeError when a packet is not a valid Opus
 * packet (see `opusPacketSamples`), the packets hold no more samples than pre-skip, or an
 * option is out of range. No end trimming: the file plays every sample after the pre-skip, so
 * its playback length is `oggPlaybackMs(packets, preSkip)`.
 */
export function muxOggOpus(packets: readonly Uint8Array[], opts: OggOpusOptions = {}): Buffer {
  const preSkip = opts.preSkip ?? DEFAULT_PRE_SKIP;
  const inputSampleRate = opts.inputSampleRate ?? 48_000;
  const channels = opts.channels ?? 1;
  const serial = opts.serial ?? Math.floor(Math.random() * 0x1_0000_0000);
  if (!Number.isInteger(preSkip) || preSkip < 0 || preSkip > 0xffff)
    throw new RangeError("preSkip out of range");
  if (!Number.isInteger(inputSampleRate) || inputSampleRate < 0 || inputSampleRate > 0xffff_ffff)
    throw new RangeError("inputSampleRate out of range");
  if (channels !== 1 && channels !== 2) throw new RangeError("channels must be 1 or 2");
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffff_ffff)
    throw new RangeError("serial out of range");

  const samples = new Int32Array(packets.length);
  const granules = new Float64Array(packets.length);
  let granule = 0;
  for (let i = 0; i < packets.length; i++) {
    const n = opusPacketSamples(packets[i]!);
    if (n === 0) throw new RangeError(`packet ${i} is not a valid Opus packet`);
    samples[i] = n;
    granule += n;
    granules[i] = granule;
  }
  // With no sample after the pre-skip there is nothing to play (RFC 7845 §4.2).
  if (granule <= preSkip) throw new RangeError(`the packets hold ${granule} samples, not more than pre-skip`);

  const head = [opusHead(channels, preSkip, inputSampleRate)];
  const tags = [opusTags(opts.vendor ?? DEFAULT_VENDOR, opts.tags ?? {})];
  const headerGranule = () => 0;
  const never = () => false;
  const none = () => 0;
  const headPages: PagePlan[] = [];
  planPages(head, headerGranule, never, none, headPages);
  const tagPages: PagePlan[] = [];
  planPages(tags, headerGranule, never, none, tagPages);
  const audioPages: PagePlan[] = [];
  planPages(
    packets,
    (i) => granules[i]!,
    (onPage) => onPage >= PAGE_TARGET_SAMPLES,
    (i) => samples[i]!,
    audioPages,
  );
  headPages[0]!.flags |= FLAG_BOS;
  audioPages[audioPages.length - 1]!.flags |= FLAG_EOS;

  let size = 0;
  for (const pages of [headPages, tagPages, audioPages])
    for (const p of pages) size += PAGE_HEADER_BYTES + p.segments + p.bodyBytes;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  let sequence = 0;
  for (const p of headPages) at = writePage(out, at, p, head, serial, sequence++);
  for (const p of tagPages) at = writePage(out, at, p, tags, serial, sequence++);
  for (const p of audioPages) at = writePage(out, at, p, packets, serial, sequence++);
  return out;
}
