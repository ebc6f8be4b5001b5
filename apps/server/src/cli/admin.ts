/**
 * `npm run admin -- <command>`: account administration from the command line, against the
 * configured database (same environment as the server).
 *
 *   create-user --username NAME --email ADDR [--display-name TEXT]   (password from WON_PASSWORD or stdin)
 *   reset-password --login NAME_OR_EMAIL                              (password from WON_PASSWORD or stdin)
 *   create-event --owner NAME_OR_EMAIL --name TEXT                     (prints the invite code)
 *
 * Passwords are never taken as arguments, so they do not end up in shell history or `ps`.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Password, RegisterBody } from "@won/protocol";
import { hashPassword } from "../auth/passwords.js";
import { freshInviteCode } from "../commands/events.js";
import { ConfigError, loadConfig } from "../config.js";
import type { AppContext } from "../context.js";
import { createRepos } from "../context.js";
import { migrateToLatest, openDatabase } from "../db/database.js";
import { createEngines } from "../engines/index.js";

async function readPassword(): Promise<string> {
  if (process.env.WON_PASSWORD) return process.env.WON_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write("password: ");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").split("\n")[0]!.trim();
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
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
  const database = openDatabase(config.database);
  await migrateToLatest(database);
  const repos = createRepos(database.db, config);
  try {
    switch (command) {
      case "create-user": {
        const parsed = RegisterBody.safeParse({
          username: values.username,
          email: values.email,
          password: await readPassword(),
          ...(values["display-name"] ? { displayName: values["display-name"] } : {}),
        });
        if (!parsed.success)
          fail(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
        const b = parsed.data;
        if (await repos.users.findByLogin(b.username)) fail("username taken");
        if (await repos.users.findByLogin(b.email)) fail("email already registered");
        const id = randomUUID();
        await repos.users.create({
          id,
          username: b.username.toLowerCase(),
          email: b.email.toLowerCase(),
          password_hash: await hashPassword(b.password),
          display_name: b.displayName ?? b.username,
          created_at: Date.now(),
        });
        console.log(`created user ${b.username.toLowerCase()} (${id})`);
        break;
      }
      case "reset-password": {
        const user = values.login ? await repos.users.findByLogin(values.login) : undefined;
        if (!user) fail("no such user (--login NAME_OR_EMAIL)");
        const password = Password.safeParse(await readPassword());
        if (!password.success) fail(`password: ${password.error.issues[0]?.message}`);
        await repos.users.update(user.id, { password_hash: await hashPassword(password.data) });
        // Every session of the account ends, access tokens included: a reset usually means the
        // password leaked.
        const live = await database.db
          .selectFrom("sessions")
          .select("id")
          .where("user_id", "=", user.id)
          .where("revoked_at", "is", null)
          .execute();
        await database.db
          .updateTable("sessions")
          .set({ revoked_at: Date.now() })
          .where("user_id", "=", user.id)
          .where("revoked_at", "is", null)
          .execute();
        if (config.redis && live.length > 0) {
          const engines = createEngines({ redisUrl: config.redis.url, prefix: config.redis.prefix });
          const until = Date.now() + config.accessTokenTtlS * 1000 + 10_000;
          await Promise.all(live.map((s) => engines.revocations.revokeSession(s.id, until)));
          await engines.close();
        }
        console.log(`password reset for ${user.username}; existing sessions revoked`);
        break;
      }
      case "create-event": {
        const owner = values.owner ? await repos.users.findByLogin(values.owner) : undefined;
        if (!owner) fail("no such user (--owner NAME_OR_EMAIL)");
        if (!values.name) fail("--name is required");
        const ctx = { repos } as AppContext;
        const id = randomUUID();
        const invite_code = await freshInviteCode(ctx);
        await repos.events.create({
          id,
          name: values.name,
          description: "",
          starts_at: null,
          ends_at: null,
          invite_code,
          created_by: owner.id,
          created_at: Date.now(),
        });
        console.log(
          `created event "${values.name}" (${id}) organised by ${owner.username}; invite code ${invite_code}`,
        );
        break;
      }
      default:
        fail(
          "usage: npm run admin -- create-user|reset-password|create-event [options] (see apps/server/src/cli/admin.ts)",
        );
    }
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
