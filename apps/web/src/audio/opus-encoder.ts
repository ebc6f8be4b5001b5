/**
 * Opus encoder: mono 48 kHz, VoIP tuning, 20 ms frames at 24 kbit/s unless the link calls for a
 * cheaper profile (link-adapt.ts: 40 or 60 ms, down to 12 kbit/s), which can change mid-stream;
 * each packet is one wire frame.
 * WebCodecs AudioEncoder where the browser has one, else libopus in WebAssembly
 * (wasm-opus-encoder.ts, loaded lazily so WebCodecs browsers never fetch it).
 */
import { SAMPLE_RATE } from "./audio-context";
import { withTimeout } from "./audio-start";
import { tap } from "./audio-tap";
import { type AudioProfile, PROFILES } from "./link-adapt";

const BASE: AudioEncoderConfig = {
  codec: "opus",
  sampleRate: SAMPLE_RATE,
  numberOfChannels: 1,
  bitrate: PROFILES[0]!.bitrate,
};
const TUNED = { ...BASE, opus: { frameDuration: 20_000, application: "voip" } } as AudioEncoderConfig;

/** `config` (the supported one) set to `profile`; without Opus options only the bitrate moves. */
function configFor(config: AudioEncoderConfig, profile: AudioProfile): AudioEncoderConfig {
  const c = { ...config, bitrate: profile.bitrate } as AudioEncoderConfig & { opus?: object };
  if (c.opus) c.opus = { ...c.opus, frameDuration: profile.frameMs * 1_000 };
  return c;
}

let configPromise: Promise<AudioEncoderConfig | null> | null = null;

/** The best supported config, or null when WebCodecs Opus encoding is unavailable. */
export function encoderConfig(): Promise<AudioEncoderConfig | null> {
  if (!configPromise) {
    configPromise = (async () => {
      if (typeof AudioEncoder === "undefined") return null;
      for (const c of [TUNED, BASE]) {
        try {
          const r = await AudioEncoder.isConfigSupported(c);
          if (r.supported) return c;
        } catch {
          /* try the next */
        }
      }
      return null;
    })();
  }
  return configPromise;
}

/** Which encoder this browser uses: WebCodecs, the WASM fallback, or none (cannot send voice). */
export async function encoderKind(): Promise<"webcodecs" | "wasm" | "none"> {
  if (await encoderConfig()) return "webcodecs";
  return typeof WebAssembly === "object" ? "wasm" : "none";
}

/** One transmission's encoder. */
export interface PacketEncoder {
  /** Encodes one mono block of 48 kHz samples. */
  encode(pcm: Float32Array): void;
  /** Encodes from now on with `profile` (frame duration and bitrate). */
  reconfigure(profile: AudioProfile): void;
  /** Emits every pending packet, then closes the encoder. */
  finish(): Promise<void>;
  abort(): void;
}

export const OpusEncoder = {
  /**
   * An encoder for one transmission. Rejects when the browser can encode Opus neither way, or with
   * an AudioStartError when the encoder does not get ready within the audio start timeout.
   */
  async create(
    onPacket: (packet: Uint8Array) => void,
    onError: (e: Error) => void,
    profile: AudioProfile = PROFILES[0]!,
  ): Promise<PacketEncoder> {
    const kind = await withTimeout(encoderKind(), "encoder");
    tap.encoder = kind;
    if (kind === "webcodecs")
      return new WebCodecsEncoder((await encoderConfig())!, profile, onPacket, onError);
    if (kind === "none")
      throw new Error("This browser cannot encode Opus audio (no WebCodecs, no WebAssembly)");
    // First use downloads and compiles the WASM; later transmissions reuse it.
    const { WasmOpusEncoder } = await withTimeout(import("./wasm-opus-encoder"), "encoder");
    const enc = await withTimeout(WasmOpusEncoder.create(profile.bitrate), "encoder");
    return new WasmEncoder(enc, profile, onPacket, onError);
  },
};

class WasmEncoder implements PacketEncoder {
  private closed = false;
  /** Samples gathered towards the next frame (the capture hands over 20 ms blocks). */
  private pending: Float32Array;
  private fill = 0;

  constructor(
    private readonly enc: {
      encode(pcm: Float32Array): Uint8Array;
      setBitrate(bitrate: number): void;
      close(): void;
    },
    profile: AudioProfile,
    private readonly onPacket: (packet: Uint8Array) => void,
    private readonly onError: (e: Error) => void,
  ) {
    this.pending = new Float32Array((SAMPLE_RATE / 1_000) * profile.frameMs);
  }

  encode(pcm: Float32Array) {
    if (this.closed) return;
    try {
      let at = 0;
      while (at < pcm.length) {
        const n = Math.min(pcm.length - at, this.pending.length - this.fill);
        this.pending.set(pcm.subarray(at, at + n), this.fill);
        this.fill += n;
        at += n;
        if (this.fill === this.pending.length) {
          this.onPacket(this.enc.encode(this.pending));
          this.fill = 0;
        }
      }
    } catch (e) {
      this.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  reconfigure(profile: AudioProfile) {
    if (this.closed) return;
    this.flushPartial();
    this.enc.setBitrate(profile.bitrate);
    this.pending = new Float32Array((SAMPLE_RATE / 1_000) * profile.frameMs);
  }

  /** Encoding is synchronous: every packet is already out, but for a part-filled frame. */
  async finish() {
    if (!this.closed) this.flushPartial();
    this.abort();
  }

  abort() {
    if (this.closed) return;
    this.closed = true;
    this.enc.close();
  }

  /** Pads a part-filled frame with silence and encodes it (Opus frames have fixed sizes). */
  private flushPartial() {
    if (this.fill === 0) return;
    this.pending.fill(0, this.fill);
    this.fill = 0;
    try {
      this.onPacket(this.enc.encode(this.pending));
    } catch (e) {
      this.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

class WebCodecsEncoder implements PacketEncoder {
  private readonly enc: AudioEncoder;
  private timestampUs = 0;

  constructor(
    private readonly config: AudioEncoderConfig,
    profile: AudioProfile,
    onPacket: (packet: Uint8Array) => void,
    onError: (e: Error) => void,
  ) {
    this.enc = new AudioEncoder({
      output: (chunk) => {
        const bytes = new Uint8Array(chunk.byteLength);
        chunk.copyTo(bytes);
        onPacket(bytes);
      },
      error: (e) => onError(e instanceof Error ? e : new Error(String(e))),
    });
    this.enc.configure(configFor(config, profile));
  }

  /** Queued after the blocks already given, like every other call on a WebCodecs encoder. */
  reconfigure(profile: AudioProfile) {
    if (this.enc.state === "configured") this.enc.configure(configFor(this.config, profile));
  }

  /** Encodes one mono block of 48 kHz samples. */
  encode(pcm: Float32Array) {
    if (this.enc.state !== "configured") return;
    const data = new AudioData({
      format: "f32-planar",
      sampleRate: SAMPLE_RATE,
      numberOfFrames: pcm.length,
      numberOfChannels: 1,
      timestamp: this.timestampUs,
      data: pcm as Float32Array<ArrayBuffer>,
    });
    this.timestampUs += Math.round((pcm.length / SAMPLE_RATE) * 1e6);
    this.enc.encode(data);
    data.close();
  }

  /** Emits every pending packet, then closes the encoder. */
  async finish() {
    if (this.enc.state === "configured") {
      try {
        await this.enc.flush();
      } catch {
        /* closed meanwhile */
      }
    }
    if (this.enc.state !== "closed") this.enc.close();
  }

  abort() {
    if (this.enc.state !== "closed") this.enc.close();
  }
}
