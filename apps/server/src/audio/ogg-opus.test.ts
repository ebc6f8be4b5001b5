import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  durationMs,
  muxOggOpus,
  OggOpusFormatError,
  oggCrc32,
  oggPlaybackMs,
  readOggOpus,
} from "./ogg-opus.js";

/** A valid 20 ms CELT FB mono packet (TOC 0xF8, code 0) of `length` bytes whose bytes encode `id`. */
function packet(length: number, id = 0): Uint8Array {
  const p = new Uint8Array(length);
  p[0] = 0xf8;
  for (let i = 1; i < length; i++) p[i] = (id * 31 + i) & 0xff;
  return p;
}

interface RawPage {
  offset: number;
  flags: number;
  granule: bigint;
  sequence: number;
  laces: number[];
}

/** Splits a file into pages without any of the reader's checks, to look at the layout. */
function rawPages(file: Buffer): RawPage[] {
  const pages: RawPage[] = [];
  for (let at = 0; at < file.length; ) {
    const n = file[at + 26]!;
    const laces = [...file.subarray(at + 27, at + 27 + n)];
    pages.push({
      offset: at,
      flags: file[at + 5]!,
      granule: file.readBigInt64LE(at + 6),
      sequence: file.readUInt32LE(at + 18),
      laces,
    });
    at += 27 + n + laces.reduce((a, b) => a + b, 0);
  }
  return pages;
}

const hex = (p: Uint8Array) => Buffer.from(p).toString("hex");

describe("oggCrc32", () => {
  it("matches the check value of CRC-32 with poly 0x04C11DB7, init 0, no reflection, no xor-out", () => {
    // CRC-32/CKSUM (same polynomial, init 0, xor-out 0xFFFFFFFF) checks "123456789" as 0x765E7680.
    expect(oggCrc32(Buffer.from("123456789"))).toBe((0x765e7680 ^ 0xffff_ffff) >>> 0);
    expect(oggCrc32(new Uint8Array(0))).toBe(0);
  });

  it("continues across calls", () => {
    const data = Buffer.from("Operation Won, radio check");
    expect(oggCrc32(data, 10, data.length, oggCrc32(data, 0, 10))).toBe(oggCrc32(data));
  });

  it("is the checksum stored in every page the muxer writes", () => {
    const file = muxOggOpus([packet(60), packet(61)], { serial: 7 });
    for (const page of rawPages(file)) {
      const end = page.offset + 27 + page.laces.length + page.laces.reduce((a, b) => a + b, 0);
      const copy = Buffer.from(file.subarray(page.offset, end));
      const stored = copy.readUInt32LE(22);
      copy.writeUInt32LE(0, 22);
      expect(oggCrc32(copy)).toBe(stored);
    }
  });
});

describe("muxOggOpus", () => {
  it("writes OpusHead alone on a BOS page, OpusTags, then audio with EOS", () => {
    const file = muxOggOpus([packet(60)], { serial: 0x1234_5678, preSkip: 312, inputSampleRate: 16_000 });
    const pages = rawPages(file);
    expect(pages.map((p) => p.flags)).toEqual([0x02, 0x00, 0x04]);
    expect(pages.map((p) => p.sequence)).toEqual([0, 1, 2]);
    expect(pages.map((p) => p.granule)).toEqual([0n, 0n, 960n]);
    expect(pages[0]!.laces).toEqual([19]);
    expect(file.readUInt32LE(14)).toBe(0x1234_5678);
    expect(file.subarray(28, 36).toString("latin1")).toBe("OpusHead");
    const read = readOggOpus(file);
    expect(read.head).toEqual({
      version: 1,
      channels: 1,
      preSkip: 312,
      inputSampleRate: 16_000,
      outputGain: 0,
    });
    expect(read.serial).toBe(0x1234_5678);
    expect(read.pages).toBe(3);
  });

  it.each([
    [1, [1]],
    [254, [254]],
    [255, [255, 0]], // a multiple of 255 needs a terminating 0 lace
    [256, [255, 1]],
    [510, [255, 255, 0]],
    [1275, [255, 255, 255, 255, 255, 0]],
  ])("laces a %i-byte packet as %j", (length, laces) => {
    const p = packet(length, 3);
    const file = muxOggOpus([p, packet(10)]);
    expect(rawPages(file)[2]!.laces).toEqual([...laces, 10]);
    expect(readOggOpus(file).packets.map(hex)).toEqual([hex(p), hex(packet(10))]);
  });

  it("closes audio pages after one second and numbers granules by completed packets", () => {
    const packets = Array.from({ length: 3_000 }, (_, i) => packet(20 + (i % 100), i));
    const file = muxOggOpus(packets);
    const pages = rawPages(file).slice(2);
    expect(pages).toHaveLength(60);
    let completed = 0;
    for (const page of pages) {
      const n = page.laces.filter((l) => l < 255).length;
      expect(n).toBe(50); // 50 × 20 ms
      completed += n;
      expect(page.granule).toBe(BigInt(completed * 960));
      expect(page.flags & 0x01).toBe(0);
    }
    expect(pages.at(-1)!.flags).toBe(0x04);
    const read = readOggOpus(file);
    expect(read.packets.map(hex)).toEqual(packets.map(hex));
    expect(read.durationMs).toBe(60_000 - 6.5);
    expect(read.granules).toEqual(pages.map((p) => Number(p.granule)));
  });

  it("continues packets across pages at 255 lacing values", () => {
    const packets = Array.from({ length: 100 }, (_, i) => packet(1_275, i)); // 6 laces each
    const file = muxOggOpus(packets);
    const pages = rawPages(file).slice(2);
    expect(pages.every((p) => p.laces.length <= 255)).toBe(true);
    expect(pages[0]!.laces).toHaveLength(255); // 42 packets and 3 laces of the 43rd
    expect(pages[0]!.granule).toBe(42n * 960n);
    expect(pages[1]!.flags & 0x01).toBe(0x01);
    expect(readOggOpus(file).packets.map(hex)).toEqual(packets.map(hex));
  });

  it("writes granule -1 on a page where no packet completes", () => {
    // A code-3 packet (one 20 ms frame) larger than two pages hold (255 × 255 bytes each).
    const big = new Uint8Array(140_000).fill(7); // 550 lacing values: three pages
    big[0] = 0xfb;
    big[1] = 0x01;
    const file = muxOggOpus([big, packet(50, 1)]);
    const pages = rawPages(file).slice(2);
    expect(pages.map((p) => p.granule)).toEqual([-1n, -1n, 1920n]);
    expect(pages.map((p) => p.laces.length)).toEqual([255, 255, 41]);
    expect(pages.map((p) => p.flags)).toEqual([0x00, 0x01, 0x01 | 0x04]);
    const read = readOggOpus(file);
    expect(read.granules).toEqual([-1, -1, 1920]);
    expect(read.packets.map(hex)).toEqual([hex(big), hex(packet(50, 1))]);
  });

  it("writes tags, across pages when they are large", () => {
    const long = "x".repeat(70_000);
    const file = muxOggOpus([packet(40)], { vendor: "won test", tags: { TITLE: "Stage — ☎", LONG: long } });
    const pages = rawPages(file);
    expect(pages.map((p) => p.granule)).toEqual([0n, -1n, 0n, 960n]);
    expect(readOggOpus(file).tags).toEqual({
      vendor: "won test",
      comments: ["TITLE=Stage — ☎", `LONG=${long}`],
    });
    expect(() => muxOggOpus([packet(40)], { tags: { "A=B": "c" } })).toThrow(RangeError);
  });

  it("rejects invalid input", () => {
    expect(() => muxOggOpus([])).toThrow(RangeError);
    expect(() => muxOggOpus([packet(10), new Uint8Array(0)])).toThrow(/packet 1/);
    expect(() => muxOggOpus([Uint8Array.of(0xfb)])).toThrow(/packet 0/); // code 3 without count
    expect(() => muxOggOpus([packet(10)], { preSkip: 70_000 })).toThrow(RangeError);
    expect(() => muxOggOpus([packet(10)], { preSkip: 960 })).toThrow(/pre-skip/); // nothing to play
    expect(() => muxOggOpus([packet(10)], { serial: -1 })).toThrow(RangeError);
  });

  it("computes durations", () => {
    const packets = [packet(10), Uint8Array.of(0x80 | 3, 3, 0), Uint8Array.of(0x00)]; // 20 + 3 × 2.5 + 10 ms
    expect(durationMs(packets)).toBe(37.5);
    expect(oggPlaybackMs(packets)).toBe(31);
    expect(durationMs([])).toBe(0);
  });
});

describe("readOggOpus", () => {
  const good = muxOggOpus(
    Array.from({ length: 120 }, (_, i) => packet(30 + i, i)),
    { serial: 99 },
  );

  it("rejects a corrupted CRC", () => {
    const bad = Buffer.from(good);
    bad[bad.length - 5]! ^= 0x10;
    expect(() => readOggOpus(bad)).toThrow(/CRC mismatch/);
  });

  it("rejects truncation at every length", () => {
    for (let n = 0; n < good.length; n += 7) {
      expect(() => readOggOpus(good.subarray(0, n)), `length ${n}`).toThrow(OggOpusFormatError);
    }
  });

  it("rejects pages out of sequence, two streams, data after EOS, missing headers", () => {
    const pages = rawPages(good);
    const [p0, p1, p2, p3] = pages.map((p) => p.offset);
    const swapped = Buffer.concat([
      good.subarray(0, p2),
      good.subarray(p3!, pages[4]!.offset),
      good.subarray(p2!, p3),
    ]);
    expect(() => readOggOpus(swapped)).toThrow(/sequence/);
    const other = muxOggOpus([packet(10)], { serial: 100 });
    expect(() =>
      readOggOpus(Buffer.concat([good.subarray(p0!, p2), other.subarray(rawPages(other)[2]!.offset)])),
    ).toThrow(/logical stream/);
    expect(() => readOggOpus(Buffer.concat([good, good]))).toThrow(/EOS|BOS/);
    expect(() => readOggOpus(good.subarray(p1!))).toThrow(/sequence/);
    expect(() => readOggOpus(Buffer.from("not an ogg file at all, just some words"))).toThrow(/OggS/);
  });

  it("never hangs or throws anything but OggOpusFormatError on garbage", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) => {
        expect(() => readOggOpus(bytes)).toThrow(OggOpusFormatError);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const bad = Buffer.from(good);
        bad[at]! ^= x;
        expect(() => readOggOpus(bad)).toThrow(OggOpusFormatError);
      }),
      { numRuns: 300 },
    );
  });
});
