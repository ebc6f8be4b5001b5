/**
 * Opus encoder: mono 48 kHz, 20 ms frames, ~24 kbps, VoIP tuning; each packet is one wire frame.
 * WebCodecs AudioEncoder where the browser has one, else libopus in WebAssembly
 * (wasm-opus-encoder.ts, loaded lazily so WebCodecs browsers never fetch it).
 */
import { SAMPLE_RATE } from "./audio-context";
import { withTimeout } from "./audio-start";
import { tap } from "./audio-tap";

const BITRATE = 24_000;
const BASE: AudioEncoderConfig = {
  codec: "opus",
  sampleRate: SAMPLE_RATE,
  numberOfChannels: 1,
  bitrate: BITRATE,
};
const TUNED = { ...BASE, opus: { frameDuration: 20_000, application: "voip" } } as AudioEncoderConfig;

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
  /** Emits every pending packet, then closes the encoder. */
  finish(): Promise<void>;
  abort(): void;
}

export const OpusEncoder = {
  /**
   * An encoder for one transmission. Rejects when the browser can encode Opus neither way, or with
   * an AudioStartError when the encoder does not get ready within the audio start timeout.
   */
  async create(onPacket: (packet: Uint8Array) => void, onError: (e: Error) => void): Promise<PacketEncoder> {
    const kind = await withTimeout(encoderKind(), "encoder");
    tap.encoder = kind;
    if (kind === "webcodecs") return new WebCodecsEncoder((await encoderConfig())!, onPacket, onError);
    if (kind === "none")
      throw new Error("This browser cannot encode Opus audio (no WebCodecs, no WebAssembly)");
    // First use downloads and compiles the WASM; later transmissions reuse it.
    const { WasmOpusEncoder } = await withTimeout(import("./wasm-opus-encoder"), "encoder");
    return new WasmEncoder(await withTimeout(WasmOpusEncoder.create(BITRATE), "encoder"), onPacket, onError);
  },
};

class WasmEncoder implements PacketEncoder {
  private closed = false;
  constructor(
    private readonly enc: { encode(pcm: Float32Array): Uint8Array; close(): void },
    private readonly onPacket: (packet: Uint8Array) => void,
    private readonly onError: (e: Error) => void,
  ) {}

  encode(pcm: Float32Array) {
    if (this.closed) return;
    try {
      this.onPacket(this.enc.encode(pcm));
    } catch (e) {
      this.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Encoding is synchronous: every packet is already out. */
  async finish() {
    this.abort();
  }

  abort() {
    if (this.closed) return;
    this.closed = true;
    this.enc.close();
  }
}

class WebCodecsEncoder implements PacketEncoder {
  private readonly enc: AudioEncoder;
  private timestampUs = 0;

  constructor(
    config: AudioEncoderConfig,
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
    this.enc.configure(config);
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
