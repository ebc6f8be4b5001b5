import { randomInt } from "node:crypto";
import { INVITE_CODE_ALPHABET, LIMITS } from "@won/protocol";

/** A fresh invite code: 8 characters from an unambiguous 31-letter alphabet (~39.6 bits),
 *  drawn with a CSPRNG without modulo bias (`randomInt` rejects out-of-range draws). */
export function newInviteCode(): string {
  let code = "";
  for (let i = 0; i < LIMITS.inviteCodeLength; i++)
    code += INVITE_CODE_ALPHABET[randomInt(INVITE_CODE_ALPHABET.length)];
  return code;
}
