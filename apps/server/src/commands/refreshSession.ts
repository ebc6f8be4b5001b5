import type { TokenPair } from "@won/protocol";
import type { Core } from "../core.js";
import { AppError } from "../domain/errors.js";

/** Sessions in the database, the shared revocation list, and access tokens. */
export type RevocationDeps = Pick<Core, "repos" | "tokens" | "engines">;

/**
 * Rotates a refresh token (RFC 9700 §4.14.2). A token presented twice means it leaked: the whole
 * session is revoked, its access tokens included, on every instance.
 */
export async function refreshSession(ctx: RevocationDeps, refreshToken: string): Promise<TokenPair> {
  const r = await ctx.repos.sessions.rotate(refreshToken);
  if (r.status === "invalid")
    throw new AppError("invalid_token", "The refresh token is invalid, expired or revoked");
  if (r.status === "reused") {
    await revokeSessionEverywhere(ctx, r.sessionId);
    throw new AppError("refresh_reused", "This refresh token was already used; the session has been revoked");
  }
  const { token } = await ctx.tokens.issueAccess(r.userId, r.sessionId);
  return { accessToken: token, refreshToken: r.refreshToken, expiresIn: ctx.tokens.accessTtlS };
}

/** Marks the session revoked in the database and in the shared revocation list, which closes
 *  its sockets on every instance. */
export async function revokeSessionEverywhere(ctx: RevocationDeps, sessionId: string): Promise<void> {
  await ctx.repos.sessions.revoke(sessionId);
  // A signed-out browser is not woken for this user any more.
  await ctx.repos.pushSubscriptions.removeSession(sessionId);
  // Access tokens of this session live at most accessTtl from now.
  await ctx.engines.revocations.revokeSession(sessionId, Date.now() + ctx.tokens.accessTtlS * 1000 + 10_000);
}
