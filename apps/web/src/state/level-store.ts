/** Microphone input level while talking (0..1), in its own tiny store so ~50 updates/s only re-render the meter. */
import { create } from "zustand";

export const useLevel = create<{ level: number }>(() => ({ level: 0 }));

/** RMS → 0..1 on a dB scale (−60 dBFS … 0 dBFS), which is how loudness feels. */
export function levelFromRms(rms: number): number {
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.max(0, Math.min(1, (db + 60) / 60));
}
