/**
 * The database: MySQL/MariaDB (production, many instances) or an SQLite file (embedded, one
 * instance), through one Kysely instance so every repository has a single code path.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import {
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  MysqlDialect,
  SqliteDialect,
} from "kysely";
import { createPool } from "mysql2";
import type { Config } from "../config.js";
import { migrations } from "./migrations/index.js";
import { boundedPool, type QueryBound } from "./mysql-pool.js";
import type { DB } from "./schema.js";

export type Dialect = "mysql" | "sqlite";

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  close(): Promise<void>;
  /** MySQL: the per-query time limit (see mysql-pool.ts); lifted while migrations run. */
  queryBound?: QueryBound;
}

export function openDatabase(cfg: Config["database"]): Database {
  if (cfg.kind === "mysql") {
    const pool = createPool({
      uri: cfg.url,
      connectionLimit: cfg.poolSize,
      connectTimeout: 3_000,
      // Kysely returns BIGINT columns; our values (ms times, seqs) fit in a double.
      supportBigNumbers: true,
      bigNumberStrings: false,
      charset: "utf8mb4_unicode_ci",
      timezone: "Z",
    });
    const queryBound = { timeoutMs: cfg.queryTimeoutMs };
    const db = new Kysely<DB>({ dialect: new MysqlDialect({ pool: boundedPool(pool, queryBound) }) });
    return { db, dialect: "mysql", close: () => db.destroy(), queryBound };
  }
  mkdirSync(dirname(cfg.file), { recursive: true });
  const sqlite = new SQLite(cfg.file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: "sqlite", close: () => db.destroy() };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly all: Record<string, Migration>) {}
  async getMigrations() {
    return this.all;
  }
}

/** Runs pending migrations; throws with the failing migration's name. Safe to call concurrently
 *  from several instances: Kysely takes a lock table. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db,
    provider: new StaticProvider(migrations(database.dialect)),
  });
  // DDL on a big table may rightly take longer than any request should.
  const bound = database.queryBound;
  const timeoutMs = bound?.timeoutMs ?? 0;
  if (bound) bound.timeoutMs = 0;
  const { error, results } = await migrator.migrateToLatest().finally(() => {
    if (bound) bound.timeoutMs = timeoutMs;
  });
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    throw new Error(
      `migration ${failed?.migrationName ?? "?"} failed: ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
