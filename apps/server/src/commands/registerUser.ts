import { randomUUID } from "node:crypto";
import type { AuthResult, RegisterBody } from "@won/protocol";
import { hashPassword } from "../auth/passwords.js";
import type { Core } from "../core.js";
import { isUniqueViolation } from "../db/errors.js";
import type { UserRow } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import { issueSession } from "./issueSession.js";
import { enforceRate } from "./rate-limit.js";

/** Accounts and sessions, the per-address registration limit and its rule. */
export type RegisterDeps = Pick<Core, "repos" | "tokens" | "engines" | "config">;

/** Self-service registration: rate limited per client address, and signed in at once. */
export async function registerUser(ctx: RegisterDeps, body: RegisterBody, ip: string): Promise<AuthResult> {
  await enforceRate(
    ctx,
    `register:ip:${ip}`,
    ctx.config.rates.registerPerIp,
    "registrations from this address",
  );
  return issueSession(ctx, await createAccount(ctx, body));
}

/**
 * Creates an account from a validated body, without a session and without a rate limit (the
 * admin CLI, and registration above). Username and email are stored lower-cased; the display
 * name defaults to the username as typed. Throws 409 `username_taken` / `email_taken`, also when
 * a concurrent registration of the same name or address wins the race.
 */
export async function createAccount(ctx: Pick<Core, "repos">, body: RegisterBody): Promise<UserRow> {
  const username = body.username.toLowerCase();
  const email = body.email.toLowerCase();
  const users = ctx.repos.users;
  if (await users.findByLogin(username))
    throw new AppError("username_taken", `The username "${username}" is taken`);
  if (await users.findByLogin(email)) throw new AppError("email_taken", "This email is already registered");
  const row = {
    id: randomUUID(),
    username,
    email,
    password_hash: await hashPassword(body.password),
    display_name: body.displayName ?? body.username,
    created_at: Date.now(),
  };
  try {
    return await users.create(row);
  } catch (err) {
    if (isUniqueViolation(err, "username"))
      throw new AppError("username_taken", `The username "${username}" is taken`);
    if (isUniqueViolation(err, "email"))
      throw new AppError("email_taken", "This email is already registered");
    throw err;
  }
}
