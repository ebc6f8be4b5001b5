import { type RevocationDeps, revokeSessionEverywhere } from "./refreshSession.js";

/**
 * Ends the caller's session: its refresh family and every access token of it stop working, and
 * its open sockets are closed (4401) on every instance. A refresh token of another session of
 * the same user, if given, is revoked too; someone else's is ignored.
 */
export async function logout(
  ctx: RevocationDeps,
  caller: { userId: string; sessionId: string },
  refreshToken?: string,
): Promise<void> {
  await revokeSessionEverywhere(ctx, caller.sessionId);
  if (refreshToken) {
    const s = await ctx.repos.sessions.sessionOf(refreshToken);
    if (s && s.userId === caller.userId && s.sessionId !== caller.sessionId)
      await revokeSessionEverywhere(ctx, s.sessionId);
  }
}
