/**
 * `npm run admin -- <command>`: account administration from the command line, against the
 * configured database (same environment as the server).
 *
 *   create-user --username NAME --email ADDR [--display-name TEXT]   (password from WON_PASSWORD or stdin)
 *   reset-password --login NAME_OR_EMAIL                              (password from WON_PASSWORD or stdin)
 *   create-event --owner NAME_OR_EMAIL --name TEXT                     (prints the invite code)
 *
 * Passwords are never taken as arguments, so they do not end up in shell history or `ps`.
 * Each subcommand runs the server's own commands over a core (`createCore`: the database,
 * migrated, and the engines), so the rules are the server's: `reset-password` ends the account's
 * sessions the way logout does, and with Redis engines the running servers close their sockets.
 * Refusals (bad input, a taken name, an unknown user) exit 2; other failures exit 1.
 */
import { parseArgs } from "node:util";
import { CreateEventBody, Password, RegisterBody } from "@won/protocol";
import { createEventForOwner } from "../commands/events.js";
import { createAccount } from "../commands/registerUser.js";
import { resetPassword } from "../commands/resetPassword.js";
import { ConfigError, loadConfig } from "../config.js";
import { type Core, createCore, createLogger } from "../core.js";
import { AppError } from "../domain/errors.js";
import { configuredBase } from "../lib/public-url.js";

async function readPassword(): Promise<string> {
  if (process.env.WON_PASSWORD) return process.env.WON_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write("password: ");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").split("\n")[0]!.trim();
}

/** A refusal the operator can act on: message on stderr, exit code 2. */
class UsageError extends Error {}

const issues = (error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }) =>
  error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");

/** The CLI's words for the refusals a command may answer with. */
const REFUSALS: Partial<Record<AppError["code"], string>> = {
  username_taken: "username taken",
  email_taken: "email already registered",
};

type Values = Record<string, string | undefined>;

const COMMANDS: Record<string, (core: Core, values: Values) => Promise<string>> = {
  async "create-user"(core, values) {
    const parsed = RegisterBody.safeParse({
      username: values.username,
      email: values.email,
      password: await readPassword(),
      ...(values["display-name"] ? { displayName: values["display-name"] } : {}),
    });
    if (!parsed.success) throw new UsageError(issues(parsed.error));
    const user = await createAccount(core, parsed.data);
    return `created user ${user.username} (${user.id})`;
  },

  async "reset-password"(core, values) {
    const user = values.login ? await core.repos.users.findByLogin(values.login) : undefined;
    if (!user) throw new UsageError("no such user (--login NAME_OR_EMAIL)");
    const password = Password.safeParse(await readPassword());
    if (!password.success) throw new UsageError(`password: ${password.error.issues[0]?.message}`);
    await resetPassword(core, user.id, password.data);
    return `password reset for ${user.username}; existing sessions revoked`;
  },

  async "create-event"(core, values) {
    const owner = values.owner ? await core.repos.users.findByLogin(values.owner) : undefined;
    if (!owner) throw new UsageError("no such user (--owner NAME_OR_EMAIL)");
    if (!values.name) throw new UsageError("--name is required");
    const body = CreateEventBody.safeParse({ name: values.name });
    if (!body.success) throw new UsageError(issues(body.error));
    // The operator's path: an event made here does not count against the owner's quota.
    // Without a request, invite links use PUBLIC_URL or this machine's LAN address.
    const event = await createEventForOwner(
      { ...core, publicBase: configuredBase(core.config) },
      owner.id,
      body.data,
    );
    return `created event "${event.name}" (${event.id}) organised by ${owner.username}; invite code ${event.inviteCode}`;
  },
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const run = command ? COMMANDS[command] : undefined;
  if (!run)
    throw new UsageError(
      "usage: npm run admin -- create-user|reset-password|create-event [options] (see apps/server/src/cli/admin.ts)",
    );
  const { values } = parseArgs({
    args: rest,
    options: {
      username: { type: "string" },
      email: { type: "string" },
      "display-name": { type: "string" },
      login: { type: "string" },
      owner: { type: "string" },
      name: { type: "string" },
    },
  });
  const config = loadConfig();
  // Logs go to stderr: stdout carries only the result line.
  const core = await createCore(config, { logger: createLogger(config, 2) });
  try {
    console.log(await run(core, values));
  } finally {
    await core.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const refusal = err instanceof AppError ? REFUSALS[err.code] : undefined;
  if (err instanceof UsageError || refusal) {
    console.error(refusal ?? (err as UsageError).message);
    process.exit(2);
  }
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
