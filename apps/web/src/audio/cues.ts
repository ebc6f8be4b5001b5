/**
 * Cues for a steward whose phone is in a pocket: each event has its own sound and vibration, so it
 * can be told apart without looking. The talk-permit, end and denied tones stay in `tones.ts`;
 * these add the incoming chirp, the cut-off and direct-call cues, the "still live" reminder of
 * toggle mode, and the roger beep, which is not played locally but mixed into the transmission.
 *
 * Sounds are synthesised on the app's AudioContext (no assets). Vibration uses the Vibration API
 * where the platform has it (Android Chrome; not iOS Safari), and is skipped silently elsewhere.
 */
import { getSettings } from "../settings/settings-store";
import { audioContext, SAMPLE_RATE } from "./audio-context";
import { tap } from "./audio-tap";

/** One note of a cue; times in seconds from the cue's start. */
export interface Note {
  freq: number;
  start: number;
  dur: number;
  type?: OscillatorType;
}

export interface Cue {
  notes: Note[];
  volume: number;
  /** Vibration pattern in ms (on, off, on, …), or none. */
  vibrate: number[] | null;
}

/** Every cue of this module, by name: distinct in pitch, rhythm and vibration. */
export const CUES = {
  /** Someone started talking: a quick two-note rise, one short buzz. */
  incoming: {
    notes: [
      { freq: 1_200, start: 0, dur: 0.04 },
      { freq: 1_600, start: 0.05, dur: 0.04 },
    ],
    volume: 0.1,
    vibrate: [40],
  },
  /** My transmission was cut (pre-empted, time limit, connection): a falling three-step warble. */
  cutOff: {
    notes: [
      { freq: 880, start: 0, dur: 0.08, type: "triangle" },
      { freq: 660, start: 0.1, dur: 0.08, type: "triangle" },
      { freq: 440, start: 0.2, dur: 0.16, type: "triangle" },
    ],
    volume: 0.16,
    vibrate: [150, 60, 150],
  },
  /** Someone calls me directly: a ring-like double triplet, a long double buzz. */
  directCall: {
    notes: [0, 0.09, 0.18, 0.45, 0.54, 0.63].map((start, i) => ({
      freq: i % 2 ? 1_320 : 1_050,
      start,
      dur: 0.07,
    })),
    volume: 0.16,
    vibrate: [250, 100, 250],
  },
  /** Toggle mode, still on air: one soft low tick, no vibration (the steward is talking). */
  stillLive: {
    notes: [{ freq: 520, start: 0, dur: 0.05 }],
    volume: 0.05,
    vibrate: null,
  },
} satisfies Record<string, Cue>;

export type CueName = keyof typeof CUES;

function play(cue: Cue) {
  const ctx = audioContext();
  // A suspended context would queue the cue and play it late, out of context: skip it instead.
  if (ctx.state !== "running") return;
  const t0 = ctx.currentTime + 0.005;
  for (const n of cue.notes) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = n.type ?? "sine";
    osc.frequency.value = n.freq;
    gain.gain.setValueAtTime(0, t0 + n.start);
    gain.gain.linearRampToValueAtTime(cue.volume, t0 + n.start + 0.006);
    gain.gain.setValueAtTime(cue.volume, t0 + n.start + n.dur - 0.01);
    gain.gain.linearRampToValueAtTime(0, t0 + n.start + n.dur);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0 + n.start);
    osc.stop(t0 + n.start + n.dur + 0.01);
  }
}

/** Plays a cue and vibrates, when the talk tones are on (the steward's one switch for sounds). */
export function playCue(name: CueName): void {
  const cue: Cue = CUES[name];
  tap.cues[name] = (tap.cues[name] ?? 0) + 1;
  if (cue.vibrate) globalThis.navigator?.vibrate?.(cue.vibrate);
  if (getSettings().tones) play(cue);
}

/** The roger beep's length: short enough not to eat into the next speaker's turn. */
export const ROGER_BEEP_MS = 120;

/**
 * The roger beep as PCM at the app's rate, in 20 ms blocks ready for the encoder: a 1 kHz tone
 * then a 1.5 kHz tone, with 5 ms ramps so it does not click. It is sent as the transmission's
 * last audio, so every listener and the recording hear that the speaker is done.
 */
export function rogerBeepBlocks(): Float32Array[] {
  const block = SAMPLE_RATE / 50;
  const total = (SAMPLE_RATE * ROGER_BEEP_MS) / 1000;
  const ramp = SAMPLE_RATE * 0.005;
  const pcm = new Float32Array(total);
  for (let i = 0; i < total; i++) {
    const freq = i < total / 2 ? 1_000 : 1_500;
    const edge = Math.min(1, i / ramp, (total - 1 - i) / ramp);
    pcm[i] = 0.3 * edge * Math.sin((2 * Math.PI * freq * i) / SAMPLE_RATE);
  }
  const blocks: Float32Array[] = [];
  for (let at = 0; at < total; at += block) blocks.push(pcm.slice(at, at + block));
  return blocks;
}
