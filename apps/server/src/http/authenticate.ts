import type { FastifyRequest } from "fastify";
import type { AccessClaims } from "../auth/tokens.js";
import type { AppContext } from "../context.js";
import { HttpError } from "./problem.js";

declare module "fastify" {
  interface FastifyRequest {
    auth: AccessClaims;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * Verifies an access token and that its session has not been revoked (logout, refresh reuse).
 * Returns null for anything that is not a valid live token.
 */
export async function verifyAccessToken(ctx: AppContext, token: string): Promise<AccessClaims | null> {
  const claims = await ctx.tokens.verifyAccess(token);
  if (!claims) return null;
  if (await ctx.engines.revocations.isRevoked(claims.sessionId)) return null;
  return claims;
}

/** onRequest hook for authenticated routes: sets `request.auth` or throws 401 before the body is
 *  parsed, so anonymous callers get 401 whatever they send. */
export function authenticate(ctx: AppContext) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header)
      throw new HttpError("unauthenticated", "Send Authorization: Bearer <accessToken>", {
        "www-authenticate": "Bearer",
      });
    const m = BEARER.exec(header);
    const claims = m ? await verifyAccessToken(ctx, m[1]!) : null;
    if (!claims) {
      throw new HttpError("invalid_token", undefined, {
        "www-authenticate": 'Bearer error="invalid_token"',
      });
    }
    request.auth = claims;
  };
}
