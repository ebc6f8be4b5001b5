/**
 * Test helper: real Opus packets for tests that stream audio. Speech comes from espeak-ng
 * encoded by opusenc (48 kHz mono, 20 ms frames, 24 kbit/s, like the web client), silence from
 * opusenc on an all-zero WAV. Results are cached per process; the temp dir goes at exit.
 *
 * Needs the Debian packages espeak-ng and opus-tools; a missing tool is an Error saying which,
 * so a test fails loudly rather than silently skipping.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { readOggOpus } from "./ogg-opus.js";
import { opusPacketSamples } from "./opus-packet.js";

const run = promisify(execFile);

export const DEFAULT_SPEECH =
  "Operation Won, radio check. Stage crew to the main entrance, the doors open in five minutes.";

let dir: string | null = null;
function workDir(): string {
  if (dir === null) {
    const created = mkdtempSync(join(tmpdir(), "won-speech-"));
    dir = created;
    process.once("exit", () => rmSync(created, { recursive: true, force: true }));
  }
  return dir;
}

function missingTool(tool: string, pkg: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT"
    ? new Error(`${tool} is not installed (apt-get install -y ${pkg}); audio tests need it`)
    : new Error(`${tool} failed: ${(err as Error).message}`);
}

/** The audio packets of an Ogg Opus file, copied out of it. */
function packetsOf(file: Uint8Array): Uint8Array[] {
  return readOggOpus(file).packets.map((p) => Uint8Array.from(p));
}

const speechCache = new Map<string, Promise<Uint8Array[]>>();

/**
 * Opus packets (20 ms each, mono) of `text` spoken by espeak-ng and encoded by opusenc
 * `--bitrate 24 --framesize 20`. Callers get fresh arrays of shared packets: do not mutate them.
 */
export function speechOpusPackets(text: string = DEFAULT_SPEECH): Promise<Uint8Array[]> {
  let cached = speechCache.get(text);
  if (!cached) {
    cached = encodeSpeech(text);
    speechCache.set(text, cached);
    cached.catch(() => speechCache.delete(text));
  }
  return cached.then((packets) => packets.slice());
}

async function encodeSpeech(text: string): Promise<Uint8Array[]> {
  const base = join(workDir(), `speech-${speechCache.size}`);
  try {
    await run("espeak-ng", ["-w", `${base}.wav`, text]);
  } catch (err) {
    throw missingTool("espeak-ng", "espeak-ng", err);
  }
  try {
    await run("opusenc", ["--quiet", "--bitrate", "24", "--framesize", "20", `${base}.wav`, `${base}.opus`]);
  } catch (err) {
    throw missingTool("opusenc", "opus-tools", err);
  }
  return packetsOf(readFileSync(`${base}.opus`));
}

let silence: Uint8Array | null = null;

/**
 * `n` Opus packets of 20 ms of silence. The packet is one that opusenc produced for an
 * all-zero 48 kHz mono WAV, taken from the middle of the stream where the encoder is settled,
 * so any decoder accepts it. Synchronous (spawnSync) so it can be used in test set-up freely.
 */
export function silencePackets(n: number): Uint8Array[] {
  if (silence === null) silence = encodeSilence();
  const packet = silence;
  return Array.from({ length: n }, () => Uint8Array.from(packet));
}

function encodeSilence(): Uint8Array {
  const base = join(workDir(), "silence");
  const samples = 48_000; // 1 s
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write("RIFF", 0, "latin1");
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write("WAVEfmt ", 8, "latin1");
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(48_000, 24);
  wav.writeUInt32LE(48_000 * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write("data", 36, "latin1");
  wav.writeUInt32LE(samples * 2, 40);
  writeFileSync(`${base}.wav`, wav);
  const result = spawnSync("opusenc", [
    "--quiet",
    "--bitrate",
    "24",
    "--framesize",
    "20",
    `${base}.wav`,
    `${base}.opus`,
  ]);
  if (result.error) throw missingTool("opusenc", "opus-tools", result.error);
  if (result.status !== 0) throw new Error(`opusenc failed: ${result.stderr.toString()}`);
  const packets = packetsOf(readFileSync(`${base}.opus`));
  const packet = packets[Math.floor(packets.length / 2)];
  if (!packet || opusPacketSamples(packet) !== 960) throw new Error("opusenc did not produce 20 ms packets");
  return packet;
}
