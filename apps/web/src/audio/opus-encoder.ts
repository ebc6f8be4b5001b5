/**
 * WebCodecs Opus encoder: mono 48 kHz, 20 ms frames, ~24 kbps, VoIP tuning. Each output
 * EncodedAudioChunk is one Opus packet = one wire frame.
 */
import { SAMPLE_RATE } from "./audio-context";
import { withTimeout } from "./audio-start";

const BASE: AudioEncoderConfig = {
  codec: "opus",
  sampleRate: SAMPLE_RATE,
  numberOfChannels: 1,
  bitrate: 24_000,
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

export class OpusEncoder {
  private readonly enc: AudioEncoder;
  private timestampUs = 0;

  private constructor(
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

  static async create(
    onPacket: (packet: Uint8Array) => void,
    onError: (e: Error) => void,
  ): Promise<OpusEncoder> {
    const config = await withTimeout(encoderConfig(), "encoder");
    if (!config) throw new Error("This browser cannot encode Opus audio (WebCodecs AudioEncoder missing)");
    return new OpusEncoder(config, onPacket, onError);
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
