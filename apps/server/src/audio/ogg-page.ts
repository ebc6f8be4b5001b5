/**
 * Ogg page framing constants and the page CRC (RFC 3533 §6), shared by the muxer and reader.
 *
 * Page header: "OggS", version 0, flags, granule position (i64 LE), serial (u32 LE), page
 * sequence (u32 LE), CRC (u32 LE), segment count, then one lacing value per segment.
 */

/** Table for the Ogg CRC: polynomial 0x04C11DB7, MSB first (no reflection), init 0, no final xor. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x8000_0000 ? (r << 1) ^ 0x04c1_1db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/**
 * The Ogg CRC-32 of `bytes[start, end)`, continuing from `crc`. A page's checksum is this over
 * the whole page with its CRC field (bytes 22–25) read as zero.
 */
export function oggCrc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  let c = crc;
  for (let i = start; i < end; i++) c = (c << 8) ^ CRC_TABLE[((c >>> 24) ^ bytes[i]!) & 0xff]!;
  return c >>> 0;
}

export const PAGE_HEADER_BYTES = 27;
export const MAX_LACING_VALUES = 255;
export const FLAG_CONTINUED = 0x01;
export const FLAG_BOS = 0x02;
export const FLAG_EOS = 0x04;
/** Stands for the all-ones granule position of a page on which no packet completes. */
export const NO_GRANULE = -1;
