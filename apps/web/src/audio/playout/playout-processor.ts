/**
 * The playout AudioWorklet: one node per live stream, fed decoded frames by the main thread
 * (`playout-node.ts`) and rendering them through {@link Playout} on the audio thread. Audio that is
 * queued keeps playing while the main thread is busy; a stall there only makes frames arrive
 * later, which the playout sees as lateness and absorbs.
 *
 * Messages in: `{type: "frame", pcm, lost}` (pcm transferred) · `{type: "end"}` (play out what is
 * queued) · `{type: "stop"}` (done now: the node stops processing and can be collected).
 * Messages out: `{type: "stats", stats, targetMs, queuedMs, latenessFloorMs}` every 100 ms of
 * audio and every 5 frames received, and once more at the end · `{type: "drained"}` when an
 * ended stream has played everything.
 */
import { DEFAULT_PLAYOUT, Playout, type PlayoutOptions } from "./playout";

// The AudioWorkletGlobalScope, which the DOM typings do not describe.
declare const currentFrame: number;
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}
declare function registerProcessor(name: string, ctor: new (options: never) => AudioWorkletProcessor): void;

export type PlayoutIn =
  | { type: "frame"; pcm: Float32Array; lost: number }
  | { type: "end" }
  | { type: "stop" };

const REPORT_EVERY_S = 0.1;
const REPORT_EVERY_FRAMES = 5;

class PlayoutProcessor extends AudioWorkletProcessor {
  private readonly playout: Playout;
  private nextReport = 0;
  private framesSinceReport = 0;
  private finished = false;

  constructor(options: { processorOptions?: Partial<PlayoutOptions> }) {
    super();
    this.playout = new Playout({ ...DEFAULT_PLAYOUT, ...options.processorOptions, sampleRate });
    this.port.onmessage = (e: MessageEvent<PlayoutIn>) => {
      const m = e.data;
      if (m.type === "frame") {
        this.playout.push(m.pcm, currentFrame, m.lost);
        // Counted on arrival too: an audio thread starved of CPU still says what it holds.
        if (++this.framesSinceReport >= REPORT_EVERY_FRAMES) this.report();
      } else if (m.type === "end") this.playout.end();
      else this.finished = true;
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.finished) return false;
    const channels = outputs[0];
    const out = channels?.[0];
    if (!out) return true;
    const more = this.playout.render(out, currentFrame);
    for (let c = 1; c < channels.length; c++) channels[c]!.set(out);
    if (!more) {
      this.report();
      this.port.postMessage({ type: "drained" });
      this.finished = true;
      return false;
    }
    if (currentFrame >= this.nextReport) {
      this.nextReport = currentFrame + REPORT_EVERY_S * sampleRate;
      this.report();
    }
    return true;
  }

  private report() {
    const p = this.playout;
    this.framesSinceReport = 0;
    this.port.postMessage({
      type: "stats",
      stats: { ...p.stats },
      targetMs: p.targetMs,
      queuedMs: p.queuedMs,
      latenessFloorMs: p.latenessFloorMs,
    });
  }
}

registerProcessor("won-playout", PlayoutProcessor);
