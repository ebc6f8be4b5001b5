/**
 * Short radio-style cues: talk permit (rising chirp), end of transmission (falling blip) and
 * denied (low double buzz). Synthesised with oscillators — no assets to load.
 */
import { getSettings } from "../settings/settings-store";
import { audioContext } from "./audio-context";

type Note = { freq: number; start: number; dur: number; type?: OscillatorType };

function play(notes: Note[], volume = 0.18) {
  const ctx = audioContext();
  const t0 = ctx.currentTime + 0.005;
  for (const n of notes) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = n.type ?? "sine";
    osc.frequency.value = n.freq;
    gain.gain.setValueAtTime(0, t0 + n.start);
    gain.gain.linearRampToValueAtTime(volume, t0 + n.start + 0.008);
    gain.gain.setValueAtTime(volume, t0 + n.start + n.dur - 0.015);
    gain.gain.linearRampToValueAtTime(0, t0 + n.start + n.dur);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0 + n.start);
    osc.stop(t0 + n.start + n.dur + 0.01);
  }
}

const vibrate = (pattern: number | number[]) => navigator.vibrate?.(pattern);

export const tones = {
  permit() {
    vibrate(30);
    if (getSettings().tones)
      play([
        { freq: 880, start: 0, dur: 0.06 },
        { freq: 1320, start: 0.07, dur: 0.07 },
      ]);
  },
  end() {
    if (getSettings().tones)
      play([
        { freq: 990, start: 0, dur: 0.05 },
        { freq: 660, start: 0.06, dur: 0.07 },
      ]);
  },
  denied() {
    vibrate([60, 40, 60]);
    if (getSettings().tones)
      play(
        [
          { freq: 220, start: 0, dur: 0.1, type: "square" },
          { freq: 220, start: 0.14, dur: 0.1, type: "square" },
        ],
        0.08,
      );
  },
};
