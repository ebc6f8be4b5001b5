import type { AuthResult } from "@won/protocol";
import type { Core } from "../core.js";
import type { UserRow } from "../db/schema.js";
import { presentMe } from "../presenters/index.js";

export type SessionDeps = Pick<Core, "repos" | "tokens">;

/** Starts a session (refresh family) for a user who just proved who they are. */
export async function issueSession(ctx: SessionDeps, user: UserRow): Promise<AuthResult> {
  const { sessionId, refreshToken } = await ctx.repos.sessions.create(user.id);
  const { token } = await ctx.tokens.issueAccess(user.id, sessionId);
  return { user: presentMe(user), accessToken: token, refreshToken, expiresIn: ctx.tokens.accessTtlS };
}
