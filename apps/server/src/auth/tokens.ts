/**
 * Access tokens: short-lived JWTs, HS256 only (the algorithm is allow-listed so `none` and
 * RS/HS confusion are rejected), with `iss`, `aud`, `exp`, `iat`, `jti`, `sub` (user id) and
 * `sid` (session = refresh family) checked on every use (RFC 8725).
 * Refresh tokens: 256-bit random opaque strings; only their SHA-256 is stored.
 */
import { createHash, randomBytes, randomUUID, webcrypto } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";

export const ISSUER = "operation-won";
export const AUDIENCE = "operation-won";
/** Tolerated clock skew between instances. */
const CLOCK_TOLERANCE_S = 5;

export interface AccessClaims {
  userId: string;
  sessionId: string;
  jti: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
}

export class TokenService {
  /** A WebCrypto key imported once: given raw bytes or a KeyObject, jose imports one per use. */
  private readonly key: Promise<webcrypto.CryptoKey>;
  constructor(
    secret: string,
    readonly accessTtlS: number,
  ) {
    this.key = webcrypto.subtle.importKey(
      "raw",
      Buffer.from(secret, "utf8"),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
  }

  async issueAccess(userId: string, sessionId: string): Promise<{ token: string; claims: AccessClaims }> {
    const jti = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(userId)
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(now + this.accessTtlS)
      .sign(await this.key);
    return { token, claims: { userId, sessionId, jti, expiresAt: (now + this.accessTtlS) * 1000 } };
  }

  /** Verifies signature and claims; returns null for any invalid, expired or malformed token. */
  async verifyAccess(token: string): Promise<AccessClaims | null> {
    if (token.length > 4096) return null;
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: ["HS256"],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ["exp", "iat", "jti", "sub", "sid"],
        typ: "JWT",
      });
      const { sub, sid, jti, exp, iat } = payload;
      if (
        typeof sub !== "string" ||
        typeof sid !== "string" ||
        typeof jti !== "string" ||
        typeof exp !== "number"
      )
        return null;
      // A token issued in the future (beyond skew) is forged or from a broken clock.
      if (typeof iat !== "number" || iat > Date.now() / 1000 + CLOCK_TOLERANCE_S) return null;
      return { userId: sub, sessionId: sid, jti, expiresAt: exp * 1000 };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return null;
      throw err;
    }
  }
}

export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
