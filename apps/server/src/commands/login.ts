import type { AuthResult, LoginBody } from "@won/protocol";
import { dummyHash, verifyPassword } from "../auth/passwords.js";
import type { Core } from "../core.js";
import { AppError } from "../domain/errors.js";
import { issueSession } from "./issueSession.js";
import { enforceRate } from "./rate-limit.js";

/** Sessions and tokens, the login throttles (rate limiter) and their limits. */
export type LoginDeps = Pick<Core, "repos" | "tokens" | "engines" | "config">;

/** The first wait past the per-login ceiling; each further attempt doubles it, up to the cap. */
const SLOWDOWN_BASE_MS = 250;

/**
 * Usernames and emails are stored as lower-case printable ASCII (the register schema admits no
 * other). Only such a string is looked up: MySQL's `utf8mb4_unicode_ci` would otherwise match
 * "ａｌｉｃｅ", "alicé" or "ali\u200bce" to "alice", and each of those is a login name with a
 * throttle count of its own.
 */
export const STORED_LOGIN = /^[\x21-\x7e]+$/;

/**
 * How long an attempt waits before its password is checked when it is the `excess`-th past the
 * per-login ceiling: 250 ms, 500 ms, 1 s, … up to `maxMs`. 0 at or under the ceiling.
 */
export function loginSlowdownMs(excess: number, maxMs: number): number {
  if (excess <= 0) return 0;
  return Math.min(maxMs, SLOWDOWN_BASE_MS * 2 ** Math.min(excess - 1, 30));
}

/**
 * Logs in by username or email. Three counters, all in 15-minute windows, all counted before the
 * password is checked (so a burst of parallel guesses is counted exactly):
 *
 * 1. per client address (`RATE_LOGIN_PER_IP`): spraying many logins from one address → 429;
 * 2. per login name and address (`RATE_LOGIN_PER_ACCOUNT_ADDRESS`): guessing one login's password
 *    from one address → 429 with Retry-After; a successful sign-in from that address resets it.
 *    Someone else's failures elsewhere never refuse the owner;
 * 3. per login name across all addresses (`RATE_LOGIN_PER_ACCOUNT`): a ceiling that slows rather
 *    than refuses — each attempt past it waits {@link loginSlowdownMs} before its password is
 *    checked, so every further guess costs the guesser seconds, while the owner, from a fresh
 *    address, still signs in within `RATE_LOGIN_SLOWDOWN_MAX_MS`. (Guesses sent in parallel wait
 *    in parallel: what bounds an attack from many addresses is 2, per address.) Attempts refused
 *    by 1 or 2 do not count here (they cost nothing, and must not slow the owner down further).
 *    It is not reset by a successful sign-in: the owner signing in must not hand an attacker a
 *    fresh allowance.
 *
 * The login name is what was typed, trimmed and lower-cased, whether or not an account has it.
 * Keying by the account instead would link the account's two names: an attacker alternating
 * "alice" and "alice@example.org" would see their failures pile up on one counter (an earlier
 * 429, or an earlier slow-down) exactly when the two are one account. Keyed by name, a real pair
 * and a made-up pair give the same answers at the same times, and an unknown login is throttled
 * exactly like a known one. This applies to the slow-down ceiling too: counted per account, its
 * waits would be the same linking signal, measured in time instead of status codes. The price is
 * that an account's username and email have counts of their own, so a guesser gets twice the
 * allowance before being refused or slowed. Only ASCII names are looked up (see
 * {@link STORED_LOGIN}), so an account has exactly those two names.
 *
 * Unknown logins are verified against a dummy hash, so response times do not reveal accounts.
 */
export async function login(ctx: LoginDeps, body: LoginBody, ip: string): Promise<AuthResult> {
  const rates = ctx.config.rates;
  const typed = body.login.trim().toLowerCase();
  await enforceRate(ctx, `login:ip:${ip}`, rates.loginPerIp, "sign-in attempts from this address");
  const nameAtAddress = `login:name-ip:${JSON.stringify([typed, ip])}`;
  await enforceRate(ctx, nameAtAddress, rates.loginPerAccountAddress, "sign-in attempts for this account");
  const ceiling = await ctx.engines.rateLimiter.hit(
    `login:name:${typed}`,
    rates.loginPerAccount.limit,
    rates.loginPerAccount.windowMs,
  );
  const waitMs = loginSlowdownMs(ceiling.count - rates.loginPerAccount.limit, rates.loginSlowdownMaxMs);
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));

  const user = STORED_LOGIN.test(typed) ? await ctx.repos.users.findByLogin(typed) : undefined;
  const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), body.password);
  if (!user || !ok) throw new AppError("invalid_credentials");
  await ctx.engines.rateLimiter.reset(nameAtAddress);
  return issueSession(ctx, user);
}
