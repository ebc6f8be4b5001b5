import { type Kysely, sql } from "kysely";
import type { Dialect } from "../database.js";

/**
 * Binary, NO PAD collations, best first: MariaDB's (10.2+), then MySQL's (8.0.17+). Both compare
 * bytes and keep trailing spaces significant. `utf8mb4_bin` is no good: it is PAD SPACE, so
 * "dup" and "dup " would still be one key.
 */
const NO_PAD_BINARY = ["utf8mb4_nopad_bin", "utf8mb4_0900_bin"] as const;

/** The server's binary NO PAD utf8mb4 collation, for identifier columns of later migrations too. */
export async function noPadBinaryCollation(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ name: string }>`
    select collation_name as name from information_schema.collations
    where collation_name in (${sql.join([...NO_PAD_BINARY])})`.execute(db);
  const found = NO_PAD_BINARY.find((c) => rows.some((r) => r.name === c));
  if (!found)
    throw new Error(
      `the server has none of ${NO_PAD_BINARY.join(", ")} (MariaDB ≥ 10.2 or MySQL ≥ 8.0.17 needed)`,
    );
  return found;
}

/**
 * Identifier columns compare byte for byte. The database is created `utf8mb4_unicode_ci`, under
 * which "dup", "DUP" and "dup " are one value: a message posted with idempotency key "DUP" came
 * back as the earlier "dup" message instead of being stored.
 *
 * Changed on MySQL:
 * - `messages.client_id`, the idempotency key, chosen by clients;
 * - `refresh_tokens.token_hash`: lower-case hex computed by the server, so folding could not
 *   merge two today, but a secret's lookup key has no business being compared loosely.
 *
 * Kept as they are:
 * - `users.username`, `users.email`, `events.invite_code`, `channels.invite_code`: case-insensitive
 *   on purpose. They are lower-cased (usernames, emails) or upper-cased (invite codes) on input
 *   and unique whatever the case people type; login matches only printable ASCII (login.ts).
 * - ids (`varchar(36)` UUIDs): every foreign key uses them, and MariaDB refuses to change the
 *   collation of a foreign-key column, even with `foreign_key_checks = 0`; dropping and
 *   re-creating every key for it is not worth the risk. Instead the protocol's `Id` accepts only
 *   the lower-case form the server issues, so a differently-cased id never reaches a query.
 *
 * Existing rows cannot clash: the old, looser unique index already kept them apart. SQLite
 * compares with BINARY unless told otherwise (and never pads), so there it is a no-op.
 */
export function binaryKeys(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "mysql") return;
      const collation = sql.raw(await noPadBinaryCollation(db));
      await sql`alter table messages
        modify client_id varchar(64) character set utf8mb4 collate ${collation} null`.execute(db);
      await sql`alter table refresh_tokens
        modify token_hash varchar(64) character set utf8mb4 collate ${collation} not null`.execute(db);
    },
  };
}
