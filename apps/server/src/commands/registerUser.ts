import { randomUUID } from "node:crypto";
import type { AuthResult, RegisterBody } from "@won/protocol";
import { hashPassword } from "../auth/passwords.js";
import type { AppContext } from "../context.js";
import { isUniqueViolation } from "../db/errors.js";
import { AppError } from "../domain/errors.js";
import { issueSession } from "./issueSession.js";
import { enforceRate } from "./rate-limit.js";

export async function registerUser(ctx: AppContext, body: RegisterBody, ip: string): Promise<AuthResult> {
  await enforceRate(
    ctx,
    `register:ip:${ip}`,
    ctx.config.rates.registerPerIp,
    "registrations from this address",
  );
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
    await users.create(row);
  } catch (err) {
    // Lost a race with a concurrent registration of the same name or address.
    if (isUniqueViolation(err, "username"))
      throw new AppError("username_taken", `The username "${username}" is taken`);
    if (isUniqueViolation(err, "email"))
      throw new AppError("email_taken", "This email is already registered");
    throw err;
  }
  return issueSession(ctx, row);
}
