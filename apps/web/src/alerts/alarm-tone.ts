/**
 * The staff alarm: a two-tone siren every 1.5 s and a vibration pattern, until stopped. It
 * ignores the "tones" setting on purpose — that setting quietens talk cues, not emergencies.
 * Synthesised on the shared AudioContext; if the browser has not let it start yet, the first
 * tap anywhere (the alarm asks for one) unlocks it.
 */
import { audioContext } from "../audio/audio-context";

const PERIOD_MS = 1_500;
const VOLUME = 0.3;
let timer: ReturnType<typeof setInterval> | null = null;

function siren() {
  navigator.vibrate?.([500, 200, 500]);
  const ctx = audioContext();
  if (ctx.state !== "running") return;
  const t0 = ctx.currentTime + 0.01;
  for (const [i, freq] of [960, 720, 960, 720].entries()) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "square";
    osc.frequency.value = freq;
    const start = t0 + i * 0.25;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(VOLUME, start + 0.01);
    gain.gain.setValueAtTime(VOLUME, start + 0.22);
    gain.gain.linearRampToValueAtTime(0, start + 0.24);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + 0.25);
  }
}

export const alarmTone = {
  get sounding() {
    return timer !== null;
  },
  start() {
    if (timer) return;
    siren();
    timer = setInterval(siren, PERIOD_MS);
  },
  stop() {
    if (!timer) return;
    clearInterval(timer);
    timer = null;
    navigator.vibrate?.(0);
  },
};
