import { randomInt } from "node:crypto";
import { INVITE_CODE_ALPHABET, LIMITS } from "@won/protocol";

/**
 * Words a code read aloud, printed on a badge or shown on a screen at an event must not spell.
 * The alphabet has no vowels I and O (nor 0, 1, L), which rules out most, but A, E and U remain.
 * Matched anywhere in the code; a code that contains one is drawn again (one in a few thousand).
 */
export const INVITE_CODE_DENYLIST: readonly string[] = [
  "ANUS",
  "ARSE",
  "CUM",
  "CUNT",
  "DAMN",
  "DYKE",
  "FAG",
  "FUCK",
  "FUK",
  "GAY",
  "JEW",
  "NAZ",
  "NEGR",
  "NGGR",
  "PAKY",
  "PEDE",
  "PENE",
  "PUSS",
  "RAPE",
  "RAPST",
  "SEX",
  "SHAT",
  "SUCK",
  "TURD",
  "TWAT",
  "VAG",
  "WANK",
  "WHR",
  "XXX",
];

/** Whether a code spells a word of the denylist. */
export function spellsAWord(code: string): boolean {
  return INVITE_CODE_DENYLIST.some((w) => code.includes(w));
}

/** A fresh invite code: 8 characters from an unambiguous 31-letter alphabet (~39.6 bits),
 *  drawn with a CSPRNG without modulo bias (`randomInt` rejects out-of-range draws), and never
 *  one that spells a word of the denylist. */
export function newInviteCode(draw: (n: number) => number = randomInt): string {
  for (;;) {
    let code = "";
    for (let i = 0; i < LIMITS.inviteCodeLength; i++)
      code += INVITE_CODE_ALPHABET[draw(INVITE_CODE_ALPHABET.length)];
    if (!spellsAWord(code)) return code;
  }
}
