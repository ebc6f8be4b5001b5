/** A speech WAV for Chromium's fake microphone, spoken by espeak-ng at test time. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export function makeSpeechWav(dir: string): string {
  const file = join(dir, "speech.wav");
  const text =
    "Steward team, this is control. Gate three is open, please move the queue forward. " +
    "Medical team to the main stage, over. Repeat, gate three is open.";
  execFileSync("espeak-ng", ["-v", "en", "-s", "150", "-a", "180", "-w", file, text], { timeout: 20_000 });
  return file;
}
