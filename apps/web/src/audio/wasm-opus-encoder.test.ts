import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { OpusDecoder } from "opus-decoder";
import { describe, expect, it } from "vitest";
import { WasmOpusEncoder } from "./wasm-opus-encoder";

const wasmPath = createRequire(import.meta.url).resolve("@evan/opus/wasm/opus.wasm");
const readWasm = async () => readFileSync(wasmPath);

describe("WasmOpusEncoder", () => {
  it("turns 20 ms blocks into one Opus packet each that libopus decodes back to 20 ms of the same tone", async () => {
    const enc = await WasmOpusEncoder.create(24_000, readWasm);
    const dec = new OpusDecoder({ channels: 1, sampleRate: 48_000 } as ConstructorParameters<
      typeof OpusDecoder
    >[0]);
    await dec.ready;
    let inEnergy = 0;
    let outEnergy = 0;
    let outSamples = 0;
    for (let b = 0; b < 50; b++) {
      const pcm = new Float32Array(960);
      for (let i = 0; i < pcm.length; i++)
        pcm[i] = 0.3 * Math.sin((2 * Math.PI * 440 * (b * 960 + i)) / 48_000);
      const packet = enc.encode(pcm);
      expect(packet.length).toBeGreaterThan(0);
      expect(packet.length).toBeLessThan(200); // ~60 bytes at 24 kbps
      const out = dec.decodeFrame(packet).channelData[0]!;
      expect(out.length).toBe(960);
      if (b >= 5) {
        for (const s of pcm) inEnergy += s * s;
        for (const s of out) outEnergy += s * s;
        outSamples += out.length;
      }
    }
    enc.close();
    dec.free();
    expect(outSamples).toBe(45 * 960);
    // The tone survives the round trip at roughly its level.
    expect(outEnergy / inEnergy).toBeGreaterThan(0.5);
    expect(outEnergy / inEnergy).toBeLessThan(2);
  });

  it("encodes 60 ms frames at a lower bitrate mid-stream, and a decoder follows the change of size", async () => {
    const enc = await WasmOpusEncoder.create(24_000, readWasm);
    const dec = new OpusDecoder({ channels: 1, sampleRate: 48_000 } as ConstructorParameters<
      typeof OpusDecoder
    >[0]);
    await dec.ready;
    const tone = (n: number, from: number) =>
      Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * (from + i)) / 48_000));
    const small = enc.encode(tone(960, 0));
    expect(dec.decodeFrame(small).channelData[0]!.length).toBe(960);
    enc.setBitrate(12_000);
    const sizes: number[] = [];
    for (let b = 0; b < 20; b++) {
      const packet = enc.encode(tone(2880, 960 + b * 2880));
      expect(dec.decodeFrame(packet).channelData[0]!.length).toBe(2880);
      sizes.push(packet.length);
    }
    enc.close();
    dec.free();
    // ~12 kbit/s over 60 ms is ~90 bytes a packet; 24 kbit/s would be ~180.
    const mean = sizes.slice(5).reduce((a, b) => a + b, 0) / 15;
    expect(mean).toBeLessThan(130);
  });
});
