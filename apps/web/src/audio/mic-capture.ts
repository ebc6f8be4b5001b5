/**
 * Microphone capture: getUserMedia → MediaStreamSource in the shared 48 kHz context → the
 * `won-capture` AudioWorklet, which hands back mono 20 ms blocks and their RMS level. The
 * microphone is opened per transmission and closed (tracks stopped) right after.
 */
import { audioContext, SAMPLE_RATE } from "./audio-context";
import { ensureRunning, withTimeout } from "./audio-start";

export const FRAME_SAMPLES = SAMPLE_RATE / 50; // 20 ms

let workletLoaded: Promise<void> | null = null;

function loadWorklet(ctx: AudioContext): Promise<void> {
  if (!workletLoaded) {
    workletLoaded = ctx.audioWorklet.addModule(`${import.meta.env.BASE_URL}worklets/capture-processor.js`);
    workletLoaded.catch(() => {
      workletLoaded = null;
    });
  }
  return workletLoaded;
}

/** getUserMedia for speech; a saved microphone that is gone falls back to the default one. */
async function openStream(deviceId: string): Promise<MediaStream> {
  const audio = { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  if (deviceId) {
    try {
      return await navigator.mediaDevices.getUserMedia({
        audio: { ...audio, deviceId: { exact: deviceId } },
      });
    } catch (e) {
      if ((e as Error).name !== "OverconstrainedError" && (e as Error).name !== "NotFoundError") throw e;
    }
  }
  return navigator.mediaDevices.getUserMedia({ audio });
}

export interface CaptureHandlers {
  /** A 20 ms mono block at 48 kHz. */
  onBlock: (pcm: Float32Array, rms: number) => void;
}

export class MicCapture {
  private closed = false;

  private constructor(
    private readonly stream: MediaStream,
    private readonly source: MediaStreamAudioSourceNode,
    private readonly node: AudioWorkletNode,
    private readonly sink: GainNode,
  ) {}

  /**
   * Opens the microphone. Rejects with the getUserMedia error (NotAllowedError …), or with an
   * AudioStartError when the audio output, the microphone or the capture worklet does not start
   * within the audio start timeout (a stream that arrives late is stopped at once).
   */
  static async open(deviceId: string, handlers: CaptureHandlers): Promise<MicCapture> {
    const ctx = audioContext();
    await ensureRunning(ctx);
    const stopTracks = (s: MediaStream) => {
      for (const t of s.getTracks()) t.stop();
    };
    const streamP = withTimeout(openStream(deviceId), "microphone", undefined, stopTracks);
    const workletP = withTimeout(loadWorklet(ctx), "microphone");
    // If the worklet fails, a stream that did open must not stay on.
    workletP.catch(() => streamP.then(stopTracks, () => {}));
    const [stream] = await Promise.all([streamP, workletP]);
    const source = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, "won-capture", {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCountMode: "explicit",
      channelCount: 2,
      processorOptions: { frameSamples: FRAME_SAMPLES },
    });
    // The worklet must reach the destination to be pulled; a muted gain keeps it silent.
    const sink = ctx.createGain();
    sink.gain.value = 0;
    source.connect(node).connect(sink).connect(ctx.destination);
    const cap = new MicCapture(stream, source, node, sink);
    node.port.onmessage = (e: MessageEvent<{ pcm: Float32Array; rms: number }>) => {
      if (!cap.closed) handlers.onBlock(e.data.pcm, e.data.rms);
    };
    return cap;
  }

  /** Stops the microphone (the browser's recording indicator goes off) and tears down the graph. */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.node.port.postMessage("stop");
    this.node.port.onmessage = null;
    for (const t of this.stream.getTracks()) t.stop();
    this.source.disconnect();
    this.node.disconnect();
    this.sink.disconnect();
  }
}

/** Audio input devices for the settings screen (labels appear once mic permission is granted). */
export async function listMicrophones(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === "audioinput");
}
