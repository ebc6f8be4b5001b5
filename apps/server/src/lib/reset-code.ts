import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { LIMITS, RESET_CODE_ALPHABET } from "@won/protocol";

/**
 * A fresh password reset code in its stored form: {@link LIMITS.resetCodeLength} characters of
 * the 31-letter unambiguous alphabet (10 × log2 31 ≈ 49.5 bits), drawn with a CSPRNG without
 * modulo bias (`randomInt` rejects out-of-range draws).
 */
export function newResetCode(draw: (n: number) => number = randomInt): string {
  let code = "";
  for (let i = 0; i < LIMITS.resetCodeLength; i++)
    code += RESET_CODE_ALPHABET[draw(RESET_CODE_ALPHABET.length)];
  return code;
}

/** The code grouped for reading aloud: `K7QXM4PD9R` → `K7QX-M4PD-9R`. */
export function groupResetCode(code: string): string {
  return code.match(/.{1,4}/g)!.join("-");
}

/** A code as typed back to its stored form, or null when it cannot be one (wrong length or letters). */
export function normaliseResetCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, "");
  return code.length === LIMITS.resetCodeLength && [...code].every((c) => RESET_CODE_ALPHABET.includes(c))
    ? code
    : null;
}

/**
 * SHA-256 (hex) of a code in stored form. A fast hash is enough: the code is high-entropy and
 * lives 30 minutes, so there is nothing a slow hash would protect against offline.
 */
export function hashResetCode(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}

/** Whether two hex hashes are equal, in time independent of where they differ. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}
