import type { AuthResult, LoginBody } from "@won/protocol";
import { dummyHash, verifyPassword } from "../auth/passwords.js";
import type { AppContext } from "../context.js";
import { AppError } from "../http/problem.js";
import { issueSession } from "./issueSession.js";
import { enforceRate } from "./rate-limit.js";

/**
 * Logs in by username or email. Throttled per account (against password guessing on one
 * account from many addresses) and per address (against spraying many accounts from one).
 */
export async function login(ctx: AppContext, body: LoginBody, ip: string): Promise<AuthResult> {
  const typed = body.login.trim().toLowerCase();
  await enforceRate(ctx, `login:ip:${ip}`, ctx.config.rates.loginPerIp, "sign-in attempts from this address");
  const user = await ctx.repos.users.findByLogin(typed);
  // One count per account, whichever of its username or email is typed; unknown logins count
  // under what was typed, so they are throttled alike and reveal nothing.
  const accountKey = `login:acct:${user?.id ?? typed}`;
  await enforceRate(ctx, accountKey, ctx.config.rates.loginPerAccount, "sign-in attempts for this account");
  // Verify against a dummy hash for unknown users so response time does not reveal accounts.
  const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), body.password);
  if (!user || !ok) throw new AppError("invalid_credentials");
  await ctx.engines.rateLimiter.reset(accountKey);
  return issueSession(ctx, user);
}
