/**
 * Opus packet decoder: WebCodecs AudioDecoder when available, else the opus-decoder WASM build
 * (loaded lazily, so browsers with WebCodecs never download it). Output is mono 48 kHz PCM,
 * delivered in input order, one call per packet: null for a packet that did not decode.
 */
import { SAMPLE_RATE } from "./audio-context";

export interface PacketDecoder {
  decode(packet: Uint8Array): void;
  close(): void;
}

type OnPcm = (pcm: Float32Array | null) => void;

const CONFIG: AudioDecoderConfig = { codec: "opus", sampleRate: SAMPLE_RATE, numberOfChannels: 1 };

let webCodecsOk: Promise<boolean> | null = null;

function webCodecsSupported(): Promise<boolean> {
  if (!webCodecsOk) {
    webCodecsOk =
      typeof AudioDecoder === "undefined"
        ? Promise.resolve(false)
        : AudioDecoder.isConfigSupported(CONFIG).then(
            (r) => !!r.supported,
            () => false,
          );
  }
  return webCodecsOk;
}

class WebCodecsDecoder implements PacketDecoder {
  private readonly dec: AudioDecoder;
  private ts = 0;

  constructor(
    private readonly onPcm: OnPcm,
    onError: (e: Error) => void,
  ) {
    this.dec = new AudioDecoder({
      output: (data) => {
        const pcm = new Float32Array(data.numberOfFrames);
        // Planar copy of channel 0, converted to f32 whatever the decoder's native format.
        data.copyTo(pcm, { planeIndex: 0, format: "f32-planar" });
        data.close();
        onPcm(pcm);
      },
      error: (e) => onError(e instanceof Error ? e : new Error(String(e))),
    });
    this.dec.configure(CONFIG);
  }

  decode(packet: Uint8Array) {
    if (this.dec.state !== "configured") return this.onPcm(null);
    this.dec.decode(new EncodedAudioChunk({ type: "key", timestamp: this.ts, data: packet }));
    this.ts += 20_000;
  }

  close() {
    if (this.dec.state !== "closed") this.dec.close();
  }
}

class WasmDecoder implements PacketDecoder {
  private closed = false;
  private readonly queue: Uint8Array[] = [];
  private dec: { decodeFrame(b: Uint8Array): { channelData: Float32Array[] }; free(): void } | null = null;

  constructor(private readonly onPcm: OnPcm) {
    void import("opus-decoder").then(async ({ OpusDecoder }) => {
      const d = new OpusDecoder({ channels: 1, sampleRate: SAMPLE_RATE } as ConstructorParameters<
        typeof OpusDecoder
      >[0]);
      await d.ready;
      if (this.closed) return d.free();
      this.dec = d;
      for (const p of this.queue.splice(0)) this.decode(p);
    });
  }

  decode(packet: Uint8Array) {
    if (this.closed) return;
    if (!this.dec) {
      this.queue.push(packet);
      return;
    }
    let ch: Float32Array | undefined;
    try {
      ch = this.dec.decodeFrame(packet).channelData[0];
    } catch {
      ch = undefined;
    }
    this.onPcm(ch?.length ? ch : null);
  }

  close() {
    this.closed = true;
    this.dec?.free();
    this.dec = null;
  }
}

/** A decoder for one stream. */
export async function createDecoder(onPcm: OnPcm, onError: (e: Error) => void): Promise<PacketDecoder> {
  return (await webCodecsSupported()) ? new WebCodecsDecoder(onPcm, onError) : new WasmDecoder(onPcm);
}

/** Which decoder this browser will use (for diagnostics). */
export async function decoderKind(): Promise<"webcodecs" | "wasm"> {
  return (await webCodecsSupported()) ? "webcodecs" : "wasm";
}
