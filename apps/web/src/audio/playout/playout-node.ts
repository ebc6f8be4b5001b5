/**
 * Main-thread side of the playout worklet: loads the module once per context and wraps one
 * `won-playout` node per live stream.
 */
import type { PlayoutOptions, PlayoutStats } from "./playout";
import type { PlayoutIn } from "./playout-processor";
import processorUrl from "./playout-processor.ts?worker&url";

export interface PlayoutReport {
  stats: PlayoutStats;
  targetMs: number;
  queuedMs: number;
  latenessFloorMs: number;
}

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/** Loads the playout worklet into `ctx` (once; a failed load is retried next time). */
export function loadPlayout(ctx: BaseAudioContext): Promise<void> {
  let p = loaded.get(ctx);
  if (!p) {
    p = ctx.audioWorklet.addModule(processorUrl);
    p.catch(() => loaded.delete(ctx));
    loaded.set(ctx, p);
  }
  return p;
}

export class PlayoutNode {
  readonly node: AudioWorkletNode;

  /** `ctx` must have the module loaded ({@link loadPlayout}). */
  constructor(
    ctx: BaseAudioContext,
    options: Partial<PlayoutOptions>,
    onReport: (r: PlayoutReport) => void,
    onDrained: () => void,
  ) {
    this.node = new AudioWorkletNode(ctx, "won-playout", {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: options,
    });
    this.node.port.onmessage = (e: MessageEvent<{ type: "stats" | "drained" } & PlayoutReport>) => {
      if (e.data.type === "stats") onReport(e.data);
      else onDrained();
    };
  }

  /** A decoded frame (its buffer is transferred: do not use `pcm` afterwards). */
  push(pcm: Float32Array, lost: number) {
    this.post({ type: "frame", pcm, lost }, [pcm.buffer as ArrayBuffer]);
  }

  end() {
    this.post({ type: "end" });
  }

  close() {
    this.post({ type: "stop" });
    this.node.port.onmessage = null;
    this.node.port.close();
    this.node.disconnect();
  }

  private post(m: PlayoutIn, transfer: Transferable[] = []) {
    this.node.port.postMessage(m, transfer);
  }
}
