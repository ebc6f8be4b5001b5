/**
 * Password reset without email: an organiser issues a one-time code for a member of their event
 * and reads it to them; the member sets a new password with it and is signed in. Who may issue
 * one is the policy module's `mayIssuePasswordReset`, asked again when the code is redeemed.
 */
import {
  type AuthResult,
  type IssuedPasswordReset,
  LIMITS,
  type RedeemPasswordResetBody,
} from "@won/protocol";
import type { Core } from "../core.js";
import { AppError } from "../domain/errors.js";
import { mayIssuePasswordReset } from "../domain/policy.js";
import {
  groupResetCode,
  hashResetCode,
  newResetCode,
  normaliseResetCode,
  sameHash,
} from "../lib/reset-code.js";
import { eventAccess } from "./access.js";
import { issueSession } from "./issueSession.js";
import { STORED_LOGIN } from "./login.js";
import { enforceRate } from "./rate-limit.js";
import { resetPassword } from "./resetPassword.js";

export type IssueResetDeps = Pick<Core, "repos">;
/** Redeeming ends sessions everywhere and starts one, throttled like sign-in. */
export type RedeemResetDeps = Pick<Core, "repos" | "tokens" | "engines" | "config">;

/**
 * Issues a code for `targetId`, a member of `eventId`, replacing any unused one. The clear code
 * is in the answer only: it is stored as a hash and never logged.
 */
export async function issuePasswordReset(
  ctx: IssueResetDeps,
  userId: string,
  eventId: string,
  targetId: string,
  now = Date.now(),
): Promise<IssuedPasswordReset> {
  await eventAccess(ctx, eventId, userId);
  if (!(await ctx.repos.events.roleOf(eventId, targetId)))
    throw new AppError("not_found", "That user is not a member of this event");
  const [organises, accounts] = await Promise.all([
    ctx.repos.passwordResets.organisedBy(userId),
    ctx.repos.passwordResets.accountStandings([targetId]),
  ]);
  const decision = mayIssuePasswordReset(userId, organises, accounts.get(targetId)!);
  if (!decision.ok) throw new AppError(decision.code, decision.message);
  const code = newResetCode();
  const expiresAt = now + LIMITS.resetCodeTtlMs;
  await ctx.repos.passwordResets.issue({
    user_id: targetId,
    code_hash: hashResetCode(code),
    issued_by: userId,
    event_id: eventId,
    expires_at: expiresAt,
    created_at: now,
  });
  return { code: groupResetCode(code), expiresAt: new Date(expiresAt).toISOString() };
}

const INVALID = () =>
  new AppError("invalid_reset_code", "Check the code and your username, or ask for a new code");

/**
 * Sets a new password with a code and signs in on this device; every other session of the account
 * ends everywhere ({@link resetPassword}). A wrong code, an expired or used one, a login it was not
 * issued for, and a code whose issuer may no longer issue it all get the same `invalid_reset_code`.
 * A mistyped code is kept (a guess costs a throttled attempt, and ~49.5 bits leave nothing to
 * find); an expired one, or one the issuer may no longer give, is deleted.
 *
 * Throttled with the sign-in limits, on counters of its own: per client address
 * (`RATE_LOGIN_PER_IP`) and per login name and address (`RATE_LOGIN_PER_ACCOUNT_ADDRESS`).
 */
export async function redeemPasswordReset(
  ctx: RedeemResetDeps,
  body: RedeemPasswordResetBody,
  ip: string,
  now = Date.now(),
): Promise<AuthResult> {
  const rates = ctx.config.rates;
  const typed = body.login.trim().toLowerCase();
  await enforceRate(ctx, `reset:ip:${ip}`, rates.loginPerIp, "password reset attempts from this address");
  const nameAtAddress = `reset:name-ip:${JSON.stringify([typed, ip])}`;
  await enforceRate(
    ctx,
    nameAtAddress,
    rates.loginPerAccountAddress,
    "password reset attempts for this account",
  );

  const code = normaliseResetCode(body.code);
  const user = code && STORED_LOGIN.test(typed) ? await ctx.repos.users.findByLogin(typed) : undefined;
  if (!user || !code) throw INVALID();
  const hash = hashResetCode(code);
  const verdict = await ctx.repos.passwordResets.redeem(user.id, ({ row, account, issuerOrganises }) => {
    if (!sameHash(row.code_hash, hash)) return "keep";
    if (row.expires_at <= now) return "void";
    return mayIssuePasswordReset(row.issued_by, issuerOrganises, account).ok ? "redeem" : "void";
  });
  if (verdict !== "redeem") throw INVALID();
  await resetPassword(ctx, user.id, body.password);
  await ctx.engines.rateLimiter.reset(nameAtAddress);
  return issueSession(ctx, user);
}
