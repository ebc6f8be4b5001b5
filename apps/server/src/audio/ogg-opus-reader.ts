/**
 * A strict reader of single-stream Ogg Opus files (RFC 7845 over RFC 3533), for tests and for
 * sanity checks of stored recordings (duration, integrity).
 */

import { FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, NO_GRANULE, oggCrc32, PAGE_HEADER_BYTES } from "./ogg-page.js";
import { OPUS_SAMPLES_PER_MS } from "./opus-packet.js";

/** A file that is not a well-formed single-stream Ogg Opus file; `offset` is where it broke. */
export class OggOpusFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = "OggOpusFormatError";
  }
}

export interface OggOpusFile {
  head: { version: number; channels: number; preSkip: number; inputSampleRate: number; outputGain: number };
  tags: { vendor: string; comments: string[] };
  /** Audio packets in order. Views into the input when a packet sits on one page. */
  packets: Uint8Array[];
  /** Granule position of each audio page in order, -1 for pages on which no packet completes. */
  granules: number[];
  /** Number of pages, header pages included. */
  pages: number;
  serial: number;
  /** Playback length per the last granule position: (granule - preSkip) / 48 (RFC 7845 §4). */
  durationMs: number;
}

const ZERO_CRC_FIELD = new Uint8Array(4);

/**
 * Reads a single-stream Ogg Opus file strictly: every page's capture pattern, version, CRC,
 * serial and sequence number (RFC 3533 §6), BOS on the first page only, EOS on the last page
 * only, packet continuation across pages, OpusHead alone on page 0 and OpusTags before the
 * audio with both ending their pages (RFC 7845 §3, §5). Each page advances the read position
 * by at least its 27-byte header, so garbage ends in an OggOpusFormatError, never a hang.
 */
export function readOggOpus(file: Uint8Array): OggOpusFile {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const { packets, startPage, endPage, pageGranules, serial, pages } = readPages(buf);

  const head = packets[0];
  if (!head || head.length < 19 || Buffer.from(head.subarray(0, 8)).toString("latin1") !== "OpusHead")
    fail("first packet is not OpusHead", 0);
  const headBuf = Buffer.from(head!.buffer, head!.byteOffset, head!.byteLength);
  if (endPage[0] !== 0 || startPage[1] === 0) fail("OpusHead must be alone on the first page", 0);
  if (pageGranules[0] !== 0) fail("OpusHead page granule must be 0", 0);
  const version = headBuf[8]!;
  if (version >> 4 !== 0) fail(`unsupported OpusHead version ${version}`, 0);
  const channels = headBuf[9]!;
  if (channels === 0) fail("OpusHead declares 0 channels", 0);
  const preSkip = headBuf.readUInt16LE(10);

  const tagsPacket = packets[1];
  if (!tagsPacket || Buffer.from(tagsPacket.subarray(0, 8)).toString("latin1") !== "OpusTags")
    fail("second packet is not OpusTags", 0);
  const tags = parseTags(
    Buffer.from(tagsPacket!.buffer, tagsPacket!.byteOffset, tagsPacket!.byteLength),
    fail,
  );
  const tagsEnd = endPage[1]!;
  if (pageGranules[tagsEnd] !== 0) fail("OpusTags page granule must be 0", 0);
  if (packets.length > 2 && startPage[2] === tagsEnd) fail("audio must start on a fresh page", 0);

  const granules = pageGranules.slice(tagsEnd + 1);
  let last = NO_GRANULE;
  for (const g of granules) {
    if (g === NO_GRANULE) continue;
    if (g < last) fail("granule positions decrease", 0);
    last = g;
  }
  return {
    head: {
      version,
      channels,
      preSkip,
      inputSampleRate: headBuf.readUInt32LE(12),
      outputGain: headBuf.readInt16LE(16),
    },
    tags,
    packets: packets.slice(2),
    granules,
    pages,
    serial,
    durationMs: last === NO_GRANULE ? 0 : Math.max(0, last - preSkip) / OPUS_SAMPLES_PER_MS,
  };
}

function fail(message: string, at: number): never {
  throw new OggOpusFormatError(message, at);
}

/** The packets of the stream, with the page each starts and ends on, and each page's granule. */
interface PageWalk {
  packets: Uint8Array[];
  startPage: number[];
  endPage: number[];
  pageGranules: number[];
  serial: number;
  pages: number;
}

/** Walks every page (RFC 3533 §6), checking it, and reassembles packets across pages. */
function readPages(buf: Buffer): PageWalk {
  const walk: PageWalk = { packets: [], startPage: [], endPage: [], pageGranules: [], serial: 0, pages: 0 };
  let partial: Uint8Array[] = [];
  let partialStart = -1;
  let at = 0;
  if (buf.length === 0) fail("empty file", 0);
  while (at < buf.length) {
    const page = walk.pages;
    const { flags, granule, segments, bodyStart, bodyEnd } = readPageHeader(buf, at, walk);
    if (((flags & FLAG_CONTINUED) !== 0) !== (partial.length > 0 || partialStart >= 0))
      fail("continued flag does not match the previous page", at);
    let chunkStart = bodyStart;
    let body = bodyStart;
    for (let s = 0; s < segments; s++) {
      const lace = buf[at + PAGE_HEADER_BYTES + s]!;
      body += lace;
      if (partialStart < 0) partialStart = page;
      if (lace === 255) continue;
      const tail = buf.subarray(chunkStart, body);
      walk.packets.push(partial.length === 0 ? tail : Buffer.concat([...partial, tail]));
      walk.startPage.push(partialStart);
      walk.endPage.push(page);
      partial = [];
      partialStart = -1;
      chunkStart = body;
    }
    if (chunkStart < bodyEnd) partial.push(buf.subarray(chunkStart, bodyEnd));
    walk.pageGranules.push(granule);
    at = bodyEnd;
    walk.pages++;
  }
  if (partialStart >= 0) fail("last packet is unterminated", at);
  return walk;
}

/** Checks one page's header, lacing and CRC at `at`; returns where its body lies. */
function readPageHeader(buf: Buffer, at: number, walk: PageWalk) {
  const page = walk.pages;
  if (buf.length - at < PAGE_HEADER_BYTES) fail("truncated page header", at);
  if (buf.toString("latin1", at, at + 4) !== "OggS") fail("missing OggS capture pattern", at);
  if (buf[at + 4] !== 0) fail(`unsupported Ogg version ${buf[at + 4]}`, at);
  const flags = buf[at + 5]!;
  if (flags & ~(FLAG_CONTINUED | FLAG_BOS | FLAG_EOS)) fail("unknown page flags", at);
  const lo = buf.readUInt32LE(at + 6);
  const hi = buf.readUInt32LE(at + 10);
  let granule = NO_GRANULE;
  if (lo !== 0xffff_ffff || hi !== 0xffff_ffff) {
    if (hi > 0x1f_ffff) fail("granule position out of range", at);
    granule = hi * 0x1_0000_0000 + lo;
  }
  const pageSerial = buf.readUInt32LE(at + 14);
  if (page === 0) walk.serial = pageSerial;
  else if (pageSerial !== walk.serial) fail("more than one logical stream", at);
  if (buf.readUInt32LE(at + 18) !== page)
    fail(`page sequence ${buf.readUInt32LE(at + 18)}, expected ${page}`, at);
  const segments = buf[at + 26]!;
  const bodyStart = at + PAGE_HEADER_BYTES + segments;
  if (bodyStart > buf.length) fail("truncated lacing table", at);
  let bodyEnd = bodyStart;
  for (let s = 0; s < segments; s++) bodyEnd += buf[at + PAGE_HEADER_BYTES + s]!;
  if (bodyEnd > buf.length) fail("truncated page body", at);
  let crc = oggCrc32(buf, at, at + 22);
  crc = oggCrc32(ZERO_CRC_FIELD, 0, 4, crc);
  crc = oggCrc32(buf, at + 26, bodyEnd, crc);
  if (crc !== buf.readUInt32LE(at + 22)) fail("page CRC mismatch", at);
  if ((page === 0) !== ((flags & FLAG_BOS) !== 0)) fail("BOS flag must be set on the first page only", at);
  if ((bodyEnd === buf.length) !== ((flags & FLAG_EOS) !== 0))
    fail("EOS flag must be set on the last page only", at);
  return { flags, granule, segments, bodyStart, bodyEnd };
}

function parseTags(tags: Buffer, fail: (message: string, at: number) => never): OggOpusFile["tags"] {
  let at = 8;
  const take = (n: number): Buffer => {
    if (at + n > tags.length) fail("OpusTags is truncated", 0);
    const out = tags.subarray(at, at + n);
    at += n;
    return out;
  };
  const vendor = take(take(4).readUInt32LE(0)).toString("utf8");
  const count = take(4).readUInt32LE(0);
  // Each comment takes at least its 4-byte length, which bounds `count` by the packet size.
  if (count > (tags.length - at) / 4) fail("OpusTags comment count exceeds its size", 0);
  const comments: string[] = [];
  for (let i = 0; i < count; i++) comments.push(take(take(4).readUInt32LE(0)).toString("utf8"));
  return { vendor, comments };
}
