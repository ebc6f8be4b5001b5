import { hashPassword } from "../auth/passwords.js";
import { type RevocationDeps, revokeSessionEverywhere } from "./refreshSession.js";

/**
 * Sets a new password (already validated) and ends every session of the account, access tokens
 * included, through the same path as logout: a reset usually means the password leaked. With
 * Redis engines every running instance closes those sessions' sockets (4401); with memory
 * engines only this process would, so a reset from another process ends them through the
 * database (refresh fails at once, access tokens at their expiry). Returns how many sessions
 * were ended.
 */
export async function resetPassword(ctx: RevocationDeps, userId: string, password: string): Promise<number> {
  await ctx.repos.users.update(userId, { password_hash: await hashPassword(password) });
  const sessions = await ctx.repos.sessions.activeIds(userId);
  await Promise.all(sessions.map((sessionId) => revokeSessionEverywhere(ctx, sessionId)));
  return sessions.length;
}
