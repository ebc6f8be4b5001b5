/**
 * Files from the muxer checked by the real tools: opusinfo (opus-tools), ffprobe and ffmpeg.
 * Input audio is real: espeak-ng speech encoded by opusenc, demuxed by readOggOpus.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { durationMs, muxOggOpus, oggPlaybackMs, readOggOpus } from "./ogg-opus.js";
import { silencePackets, speechOpusPackets } from "./test-speech.js";
import { TransmissionRecorder } from "./transmission-recorder.js";

const exec = promisify(execFile);
const hex = (p: Uint8Array) => Buffer.from(p).toString("hex");

/** Runs a tool; a missing binary fails the test with the package to install. */
async function tool(cmd: string, args: string[]): Promise<{ code: number; output: string; stdout: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args);
    return { code: 0, output: stdout + stderr, stdout };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === "ENOENT") {
      const pkg =
        { opusinfo: "opus-tools", opusenc: "opus-tools", "espeak-ng": "espeak-ng" }[cmd] ?? "ffmpeg";
      throw new Error(`${cmd} is not installed (apt-get install -y ${pkg}); this test needs it`);
    }
    return {
      code: typeof e.code === "number" ? e.code : 1,
      output: `${e.stdout}${e.stderr}`,
      stdout: e.stdout ?? "",
    };
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "won-ogg-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Writes the file and checks it with opusinfo, ffprobe and a full ffmpeg decode. `expectedMs`
 * is the packets' duration, which ffprobe reports (last granule / 48, pre-skip included);
 * the decoder outputs that less the pre-skip.
 */
async function checkWithTools(name: string, ogg: Buffer, expectedMs: number) {
  const path = join(dir, name);
  writeFileSync(path, ogg);

  const info = await tool("opusinfo", [path]);
  expect(info.code, info.output).toBe(0);
  expect(info.output).not.toMatch(/warning|error|corrupt|hole|invalid|negative/i);
  expect(info.output).toMatch(/Opus stream 1/);

  const probe = await tool("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "format=duration",
    "-of",
    "csv=p=0",
    path,
  ]);
  expect(probe.code, probe.output).toBe(0);
  expect(probe.output.trim()).toBe(probe.stdout.trim()); // nothing on stderr at -v error
  const probedMs = Number.parseFloat(probe.stdout) * 1000;
  expect(
    Math.abs(probedMs - expectedMs),
    `ffprobe ${probedMs} ms, expected ${expectedMs} ms`,
  ).toBeLessThanOrEqual(40);

  // Decoding every packet proves the packets survived intact; the PCM length proves pre-skip.
  const pcm = join(dir, `${name}.pcm`);
  const decode = await tool("ffmpeg", [
    "-v",
    "error",
    "-y",
    "-i",
    path,
    "-f",
    "s16le",
    "-ac",
    "1",
    "-ar",
    "48000",
    pcm,
  ]);
  expect(decode.code, decode.output).toBe(0);
  expect(decode.output.trim()).toBe("");
  expect(statSync(pcm).size / 2).toBe(expectedMs * 48 - 312);
  return { probedMs, info: info.output };
}

describe("agreement with opusenc", () => {
  it("verifies opusenc's page CRCs and writes its OpusHead page byte for byte", async () => {
    const wav = join(dir, "ref.wav");
    const opus = join(dir, "ref.opus");
    await tool("espeak-ng", ["-w", wav, "Checking the page checksum against opusenc"]);
    const enc = await tool("opusenc", ["--quiet", "--bitrate", "24", "--framesize", "20", wav, opus]);
    expect(enc.code, enc.output).toBe(0);
    const file = readFileSync(opus);
    const ref = readOggOpus(file); // checks every page's CRC with our table
    expect(ref.head.preSkip).toBe(312);
    const ours = muxOggOpus(ref.packets, {
      serial: ref.serial,
      preSkip: ref.head.preSkip,
      inputSampleRate: ref.head.inputSampleRate,
    });
    const headPage = 27 + 1 + 19;
    expect(hex(ours.subarray(0, headPage))).toBe(hex(file.subarray(0, headPage)));
    // Same packets, same page granules except the last, which opusenc trims to the input length.
    const mine = readOggOpus(ours);
    expect(mine.packets.map(hex)).toEqual(ref.packets.map(hex));
    expect(mine.granules.slice(0, -1)).toEqual(ref.granules.slice(0, -1));
  });
});

describe("Ogg Opus files accepted by opusinfo and ffprobe", () => {
  it("records real speech through TransmissionRecorder", async () => {
    const packets = await speechOpusPackets();
    expect(packets.length).toBeGreaterThan(100);
    const recorder = new TransmissionRecorder();
    const reused = new Uint8Array(1275); // frames arrive in reused buffers
    packets.forEach((p, i) => {
      reused.set(p);
      expect(recorder.push((65_500 + i) & 0xffff, reused.subarray(0, p.length))).toBe(true);
    });
    const recording = recorder.finish()!;
    expect(recording.packets).toBe(packets.length);
    expect(recorder.durationMs).toBe(packets.length * 20);
    expect(recording.durationMs).toBe(Math.round(packets.length * 20 - 6.5)); // minus pre-skip
    const { probedMs } = await checkWithTools("speech.opus", recording.ogg, packets.length * 20);
    expect(probedMs).toBeCloseTo(packets.length * 20, 3);
    console.info(`speech: ${packets.length} packets of 20 ms, ffprobe ${probedMs} ms`);
    // Bytes survive intact and in order.
    expect(readOggOpus(recording.ogg).packets.map((p) => Buffer.from(p).toString("hex"))).toEqual(
      packets.map((p) => Buffer.from(p).toString("hex")),
    );
  });

  it("muxes exactly 250 packets of 20 ms into a 5.000 s file", async () => {
    const packets = silencePackets(250);
    expect(durationMs(packets)).toBe(5_000);
    const { probedMs, info } = await checkWithTools("silence.opus", muxOggOpus(packets), 5_000);
    expect(probedMs).toBeCloseTo(5_000, 3);
    // opusinfo reports what plays: 5 s of packets less the 6.5 ms pre-skip.
    expect(oggPlaybackMs(packets)).toBe(4_993.5);
    expect(info).toMatch(/Playback length: 0m:04\.993s/);
    console.info(`silence: 250 packets of 20 ms, ffprobe ${probedMs} ms`);
  });

  it("accepts speech with a gap (missing frames) and tags", async () => {
    const packets = await speechOpusPackets();
    const recorder = new TransmissionRecorder({ ogg: { tags: { TITLE: "radio check" } } });
    packets.forEach((p, i) => {
      if (i < 40 || i >= 60) recorder.push(i, p);
    });
    const recording = recorder.finish()!;
    expect(recording.packets).toBe(packets.length - 20);
    expect(recorder.durationMs).toBe((packets.length - 20) * 20);
    const { info } = await checkWithTools("gap.opus", recording.ogg, recorder.durationMs);
    expect(info).toMatch(/TITLE=radio check/);
  });
});
