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
  const account = body.login.trim().toLowerCase();
  await enforceRate(ctx, `login:ip:${ip}`, ctx.config.rates.loginPerIp, "sign-in attempts from this address");
  await enforceRate(
    ctx,
    `login:acct:${account}`,
    ctx.config.rates.loginPerAccount,
    "sign-in attempts for this account",
  );
  const user = await ctx.repos.users.findByLogin(account);
  // Verify against a dummy hash for unknown users so response time does not reveal accounts.
  const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), body.password);
  if (!user || !ok) throw new AppError("invalid_credentials");
  await ctx.engines.rateLimiter.reset(`login:acct:${account}`);
  return issueSession(ctx, user);
}
