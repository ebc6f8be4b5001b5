import { describe, expect, it } from "vitest";
import { muxOggOpus, readOggOpus } from "./ogg-opus.js";
import { opusPacketSamples } from "./opus-packet.js";
import { silencePackets, speechOpusPackets } from "./test-speech.js";

describe("test speech helpers", () => {
  it("gives real 20 ms speech packets, cached per text", async () => {
    const a = await speechOpusPackets("one two three");
    const b = await speechOpusPackets("one two three");
    expect(a.length).toBeGreaterThan(40);
    expect(a.every((p) => opusPacketSamples(p) === 960)).toBe(true);
    expect(b).not.toBe(a); // a fresh array …
    expect(b[0]).toBe(a[0]); // … of the same cached packets
    expect(new Set(a.map((p) => p.length)).size).toBeGreaterThan(1); // VBR speech, not one packet
  });

  it("gives n 20 ms silence packets that survive muxing", () => {
    const packets = silencePackets(7);
    expect(packets).toHaveLength(7);
    expect(packets.every((p) => opusPacketSamples(p) === 960)).toBe(true);
    expect(readOggOpus(muxOggOpus(packets)).packets).toHaveLength(7);
    expect(silencePackets(0)).toEqual([]);
  });
});
