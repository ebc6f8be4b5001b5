/**
 * The console's audio graph, one strip per channel on the app's AudioContext:
 *
 *   streams (per-person gain, in the live player) → input ─┬→ meter analyser (level shown on the tile)
 *                                                          └→ fader → StereoPanner → duck → bus
 *                                                                                         └→ splitter → post L / post R analysers
 *   bus → destination, and bus → ChannelSplitter → left / right analysers (diagnostics)
 *
 * Gains come from mix-math.ts. Levels are read by one timer for all strips at ~15 Hz (a few
 * 1,024-sample reads each), so ten live channels cost the main thread next to nothing; the
 * readings also accumulate energy per strip and per output side, exposed as `window.__wonMix`
 * so end-to-end tests can check pans, mutes and ducking by ear, as it were.
 */
import { create } from "zustand";
import { audioContext } from "../audio/audio-context";
import { livePlayer } from "../audio/live-player";
import type { ChannelMix } from "./console-settings";
import { type MixInput, mixGains, panValue, rms } from "./mix-math";

interface Strip {
  input: GainNode;
  meter: AnalyserNode;
  fader: GainNode;
  panner: StereoPannerNode;
  duck: GainNode;
  /** Left and right after the ducking stage: a panned channel's energy is their sum. */
  post: [AnalyserNode, AnalyserNode];
}

/** Energy accumulated since the last reset: sums of mean squares and how many readings. */
export interface MixEnergy {
  pre: number;
  post: number;
  readings: number;
}

export interface MixDiagnostics {
  channels: Record<string, MixEnergy>;
  left: number;
  right: number;
  readings: number;
  /** Gains as last set, per channel. */
  gains: Record<string, { fader: number; pan: number; duck: number }>;
  reset(): void;
}

/** Level (0–1) per channel, for the tiles' meters. */
export const useMixLevels = create<Record<string, number>>(() => ({}));

const METER_MS = 66;
const FFT = 1_024;
/** Gain changes glide with this time constant (s), so ducking does not click. */
const GLIDE_S = 0.03;

class ChannelMixer {
  private strips = new Map<string, Strip>();
  private bus: GainNode | null = null;
  private sides: [AnalyserNode, AnalyserNode] | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly buf = new Float32Array(FFT);
  readonly diagnostics: MixDiagnostics = {
    channels: {},
    left: 0,
    right: 0,
    readings: 0,
    gains: {},
    reset: () => {
      const d = this.diagnostics;
      for (const e of Object.values(d.channels)) Object.assign(e, { pre: 0, post: 0, readings: 0 });
      Object.assign(d, { left: 0, right: 0, readings: 0 });
    },
  };

  /** Builds strips for `channelIds` and routes their live streams through them. */
  open(channelIds: readonly string[]) {
    const ctx = audioContext();
    if (!this.bus) {
      this.bus = ctx.createGain();
      this.bus.connect(ctx.destination);
      const split = ctx.createChannelSplitter(2);
      this.bus.connect(split);
      this.sides = [ctx.createAnalyser(), ctx.createAnalyser()];
      this.sides.forEach((a, i) => {
        a.fftSize = FFT;
        split.connect(a, i);
      });
    }
    for (const id of channelIds) if (!this.strips.has(id)) this.strips.set(id, this.strip(id));
    livePlayer.setRouting({ channelInput: (id) => this.strips.get(id)?.input ?? null });
    if (!this.timer) this.timer = setInterval(() => this.read(), METER_MS);
  }

  /** Tears the graph down; live streams go straight to the output again. */
  close() {
    livePlayer.setRouting({ channelInput: undefined });
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const s of this.strips.values()) s.duck.disconnect();
    this.strips.clear();
    useMixLevels.setState({}, true);
  }

  /** Applies the mix of every channel (volume, mute, pan, priority and whether it is live). */
  apply(mix: Record<string, ChannelMix & { live: boolean }>, duckDb: number) {
    const inputs: Record<string, MixInput> = {};
    for (const [id, m] of Object.entries(mix)) if (this.strips.has(id)) inputs[id] = m;
    const gains = mixGains(inputs, duckDb);
    const t = audioContext().currentTime;
    for (const [id, g] of Object.entries(gains)) {
      const s = this.strips.get(id)!;
      const pan = panValue(mix[id]!.pan);
      s.fader.gain.setTargetAtTime(g.fader, t, GLIDE_S);
      s.duck.gain.setTargetAtTime(g.duck, t, GLIDE_S);
      s.panner.pan.setValueAtTime(pan, t);
      this.diagnostics.gains[id] = { fader: g.fader, pan, duck: g.duck };
    }
  }

  private strip(id: string): Strip {
    const ctx = audioContext();
    const input = ctx.createGain();
    const meter = ctx.createAnalyser();
    const fader = ctx.createGain();
    const panner = ctx.createStereoPanner();
    const duck = ctx.createGain();
    const split = ctx.createChannelSplitter(2);
    const post: [AnalyserNode, AnalyserNode] = [ctx.createAnalyser(), ctx.createAnalyser()];
    meter.fftSize = FFT;
    input.connect(meter);
    input.connect(fader).connect(panner).connect(duck).connect(split);
    post.forEach((a, i) => {
      a.fftSize = FFT;
      split.connect(a, i);
    });
    duck.connect(this.bus!);
    this.diagnostics.channels[id] = { pre: 0, post: 0, readings: 0 };
    return { input, meter, fader, panner, duck, post };
  }

  /** One meter tick: every strip's level, and energy for the diagnostics. */
  private read() {
    const levels: Record<string, number> = {};
    const d = this.diagnostics;
    for (const [id, s] of this.strips) {
      s.meter.getFloatTimeDomainData(this.buf);
      const pre = rms(this.buf);
      s.post[0].getFloatTimeDomainData(this.buf);
      const left = rms(this.buf);
      s.post[1].getFloatTimeDomainData(this.buf);
      const post = Math.hypot(left, rms(this.buf));
      levels[id] = Math.min(1, pre * 4);
      const e = d.channels[id]!;
      e.pre += pre * pre;
      e.post += post * post;
      e.readings++;
    }
    if (this.sides) {
      this.sides[0].getFloatTimeDomainData(this.buf);
      d.left += rms(this.buf) ** 2;
      this.sides[1].getFloatTimeDomainData(this.buf);
      d.right += rms(this.buf) ** 2;
      d.readings++;
    }
    const prev = useMixLevels.getState();
    // Re-render tiles only when a level moved visibly.
    if (Object.entries(levels).some(([id, l]) => Math.abs((prev[id] ?? 0) - l) > 0.02))
      useMixLevels.setState(levels, true);
  }
}

export const channelMixer = new ChannelMixer();
(globalThis as { __wonMix?: MixDiagnostics }).__wonMix = channelMixer.diagnostics;
