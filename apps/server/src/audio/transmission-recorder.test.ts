import { describe, expect, it } from "vitest";
import { readOggOpus } from "./ogg-opus.js";
import { TransmissionRecorder } from "./transmission-recorder.js";

/** A valid 20 ms packet whose second byte is `id`, so order can be checked after muxing. */
const packet = (id: number, length = 40) => {
  const p = new Uint8Array(length).fill(0x55);
  p[0] = 0xf8;
  p[1] = id & 0xff;
  return p;
};

/** The ids (second bytes) of the packets in a finished recording, in file order. */
function ids(recorder: TransmissionRecorder): number[] {
  const recording = recorder.finish();
  if (!recording) throw new Error("no recording");
  return readOggOpus(recording.ogg).packets.map((p) => p[1]!);
}

describe("TransmissionRecorder", () => {
  it("records packets in order and reports duration", () => {
    const r = new TransmissionRecorder();
    for (let i = 0; i < 10; i++) expect(r.push(100 + i, packet(i))).toBe(true);
    expect(r.durationMs).toBe(200);
    expect(r.packetCount).toBe(10);
    const recording = r.finish()!;
    expect(recording.packets).toBe(10);
    expect(recording.durationMs).toBe(194); // 200 ms less the 6.5 ms pre-skip, rounded
    expect(readOggOpus(recording.ogg).packets.map((p) => p[1])).toEqual([...Array(10).keys()]);
  });

  it("copies each packet, since frames arrive in reused buffers", () => {
    const r = new TransmissionRecorder();
    const buffer = new Uint8Array(64);
    for (let i = 0; i < 5; i++) {
      buffer.set(packet(i));
      r.push(i, buffer.subarray(0, 40));
    }
    buffer.fill(0);
    expect(ids(r)).toEqual([0, 1, 2, 3, 4]);
  });

  it("drops duplicates", () => {
    const r = new TransmissionRecorder();
    r.push(1, packet(1));
    r.push(2, packet(2));
    expect(r.push(2, packet(99))).toBe(false);
    expect(r.push(1, packet(98))).toBe(false);
    expect(r.drops.duplicate).toBe(2);
    expect(ids(r)).toEqual([1, 2]);
  });

  it("follows the 16-bit sequence number across its wrap", () => {
    const r = new TransmissionRecorder();
    for (let i = 0; i < 12; i++) r.push((65_530 + i) & 0xffff, packet(i));
    expect(ids(r)).toEqual([...Array(12).keys()]);
  });

  it("puts reordered packets in place, across the wrap too", () => {
    const r = new TransmissionRecorder();
    const order = [65_534, 0, 65_535, 2, 1, 4, 3, 5];
    for (const seq of order) r.push(seq, packet((seq + 2) & 0xffff));
    expect(ids(r)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("accepts a packet that arrives before the first one, within the window", () => {
    const r = new TransmissionRecorder();
    r.push(10, packet(10));
    r.push(11, packet(11));
    r.push(9, packet(9));
    expect(ids(r)).toEqual([9, 10, 11]);
  });

  it("drops packets older than the reorder window", () => {
    const r = new TransmissionRecorder({ reorderWindow: 5 });
    for (let i = 0; i < 20; i++) if (i !== 3 && i !== 12 && i !== 14) r.push(i, packet(i));
    expect(r.push(3, packet(3))).toBe(false); // 16 behind the newest (19)
    expect(r.push(12, packet(12))).toBe(false); // 7 behind
    expect(r.push(14, packet(14))).toBe(true); // 5 behind: still in the window
    expect(r.push(15, packet(15))).toBe(false); // in the window, but a duplicate
    expect(r.drops).toMatchObject({ late: 2, duplicate: 1 });
    expect(ids(r)).toEqual([...Array(20).keys()].filter((i) => i !== 3 && i !== 12));
  });

  it("leaves gaps as gaps", () => {
    const r = new TransmissionRecorder();
    for (const seq of [0, 1, 5, 6, 40]) r.push(seq, packet(seq));
    expect(r.durationMs).toBe(100);
    expect(ids(r)).toEqual([0, 1, 5, 6, 40]);
  });

  it("drops invalid packets", () => {
    const r = new TransmissionRecorder();
    expect(r.push(0, new Uint8Array(0))).toBe(false);
    expect(r.push(1, Uint8Array.of(0xfb))).toBe(false); // code 3 without its count byte
    expect(r.push(2, Uint8Array.of(0xfb, 7))).toBe(false); // 140 ms
    expect(r.push(3, packet(3, 1_276))).toBe(false); // longer than an Opus packet may be
    expect(r.drops.invalid).toBe(4);
    expect(r.push(4, packet(4, 1_275))).toBe(true);
    expect(ids(r)).toEqual([4]);
  });

  it("caps packets and bytes, counting what it drops", () => {
    const byCount = new TransmissionRecorder({ maxPackets: 10 });
    for (let i = 0; i < 15; i++) byCount.push(i, packet(i));
    expect(byCount.drops.overflow).toBe(5);
    expect(byCount.durationMs).toBe(200);
    expect(ids(byCount)).toEqual([...Array(10).keys()]);

    const byBytes = new TransmissionRecorder({ maxBytes: 100 });
    for (let i = 0; i < 5; i++) byBytes.push(i, packet(i, 40));
    expect(byBytes.drops.overflow).toBe(3);
    expect(byBytes.packetCount).toBe(2);
  });

  it("holds the default cap of 3,000 packets of 1,275 bytes", () => {
    const r = new TransmissionRecorder();
    for (let i = 0; i < 3_010; i++) r.push(i & 0xffff, packet(i, 1_275));
    expect(r.packetCount).toBe(3_000);
    expect(r.drops.overflow).toBe(10);
    const recording = r.finish()!;
    expect(recording.packets).toBe(3_000);
    expect(readOggOpus(recording.ogg).packets).toHaveLength(3_000);
  });

  it("returns null without playable packets, finishes once, then drops", () => {
    expect(new TransmissionRecorder().finish()).toBeNull();
    const onlyInvalid = new TransmissionRecorder();
    onlyInvalid.push(0, new Uint8Array(0));
    expect(onlyInvalid.finish()).toBeNull();
    const tooShort = new TransmissionRecorder(); // 2.5 ms is less than the 6.5 ms pre-skip
    tooShort.push(0, Uint8Array.of(0x80));
    expect(tooShort.finish()).toBeNull();

    const r = new TransmissionRecorder();
    r.push(0, packet(0));
    expect(r.finish()).not.toBeNull();
    expect(r.finish()).toBeNull();
    expect(r.push(1, packet(1))).toBe(false);
    expect(r.drops.finished).toBe(1);
  });

  it("passes muxer options through", () => {
    const r = new TransmissionRecorder({ ogg: { serial: 42, tags: { TITLE: "t" } } });
    r.push(0, packet(0));
    const file = readOggOpus(r.finish()!.ogg);
    expect(file.serial).toBe(42);
    expect(file.tags.comments).toEqual(["TITLE=t"]);
  });
});
