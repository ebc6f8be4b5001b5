/**
 * libopus compiled to WebAssembly, for browsers without a WebCodecs AudioEncoder: the bare
 * `opus.wasm` of the `@evan/opus` package (MIT; libopus under BSD), whose exports are libopus's own
 * C functions, driven here without any generated glue (an emscripten glue layer builds functions
 * from strings, which the app's Content-Security-Policy forbids). Loaded only when needed, so
 * browsers with WebCodecs never download it (~330 kB). Same output as the WebCodecs path: one
 * mono 48 kHz Opus packet per 20 ms block, 24 kbps, VoIP tuning.
 */
import wasmUrl from "@evan/opus/wasm/opus.wasm?url";
import { SAMPLE_RATE } from "./audio-context";

const OPUS_APPLICATION_VOIP = 2048;
const OPUS_SET_BITRATE_REQUEST = 4002;
/** The largest Opus packet (RFC 6716 §3.2.1 frame limit, times three for a code-3 packet). */
const MAX_PACKET = 1276 * 3;

interface LibOpus {
  memory: WebAssembly.Memory;
  _initialize?: () => void;
  malloc(n: number): number;
  free(p: number): void;
  opus_encoder_get_size(channels: number): number;
  opus_encoder_init(enc: number, rate: number, channels: number, application: number): number;
  opus_encode(enc: number, pcm: number, frameSize: number, out: number, maxBytes: number): number;
  opus_encoder_ctl_set(enc: number, request: number, value: number): number;
}

let native: Promise<LibOpus> | null = null;

const fetchWasm = async () => (await fetch(wasmUrl)).arrayBuffer();

function loadNative(wasmBytes: () => Promise<BufferSource>): Promise<LibOpus> {
  if (!native) {
    native = (async () => {
      const bytes = await wasmBytes();
      const noop = () => 0;
      const { instance } = await WebAssembly.instantiate(bytes, {
        // libopus does no I/O; memory growth needs no notice since views are made per call.
        wasi_snapshot_preview1: { fd_seek: noop, fd_write: noop, fd_close: noop, proc_exit: noop },
        env: { emscripten_notify_memory_growth: noop },
      });
      const lib = instance.exports as unknown as LibOpus;
      lib._initialize?.();
      return lib;
    })();
    native.catch(() => {
      native = null;
    });
  }
  return native;
}

/** One encoder stream; `encode` takes 20 ms mono blocks and returns one packet each. */
export class WasmOpusEncoder {
  private constructor(
    private readonly lib: LibOpus,
    private readonly enc: number,
    private readonly pcmPtr: number,
    private readonly outPtr: number,
  ) {}

  /** `wasmBytes` supplies the module (tests read the file; the app fetches the bundled asset). */
  static async create(
    bitrate: number,
    wasmBytes: () => Promise<BufferSource> = fetchWasm,
  ): Promise<WasmOpusEncoder> {
    const lib = await loadNative(wasmBytes);
    const enc = lib.malloc(lib.opus_encoder_get_size(1));
    const fail = (what: string, code: number) => {
      lib.free(enc);
      return new Error(`Opus ${what} failed (${code})`);
    };
    const init = lib.opus_encoder_init(enc, SAMPLE_RATE, 1, OPUS_APPLICATION_VOIP);
    if (init < 0) throw fail("encoder init", init);
    const ctl = lib.opus_encoder_ctl_set(enc, OPUS_SET_BITRATE_REQUEST, bitrate);
    if (ctl < 0) throw fail("bitrate", ctl);
    // Room for 60 ms of int16 mono, more than one block.
    return new WasmOpusEncoder(lib, enc, lib.malloc((SAMPLE_RATE / 1000) * 60 * 2), lib.malloc(MAX_PACKET));
  }

  /** Changes the target bitrate (bit/s) from the next packet on. */
  setBitrate(bitrate: number) {
    const ctl = this.lib.opus_encoder_ctl_set(this.enc, OPUS_SET_BITRATE_REQUEST, bitrate);
    if (ctl < 0) throw new Error(`Opus bitrate failed (${ctl})`);
  }

  /** Encodes one block of 20, 40 or 60 ms (float samples in [-1, 1]); returns the Opus packet. */
  encode(pcm: Float32Array): Uint8Array {
    // Views are made per call: the WASM memory may have grown since the last one.
    const heap16 = new Int16Array(this.lib.memory.buffer, this.pcmPtr, pcm.length);
    for (let i = 0; i < pcm.length; i++) {
      const s = Math.max(-1, Math.min(1, pcm[i]!));
      heap16[i] = s < 0 ? s * 0x8000 : s * 0x7fff;
    }
    const len = this.lib.opus_encode(this.enc, this.pcmPtr, pcm.length, this.outPtr, MAX_PACKET);
    if (len < 0) throw new Error(`Opus encode failed (${len})`);
    return new Uint8Array(this.lib.memory.buffer, this.outPtr, len).slice();
  }

  close() {
    this.lib.free(this.enc);
    this.lib.free(this.pcmPtr);
    this.lib.free(this.outPtr);
  }
}
