import type { Kysely } from "kysely";
import type { DB, UserRow } from "../db/schema.js";

export class UsersRepo {
  constructor(private readonly db: Kysely<DB>) {}

  async create(row: UserRow): Promise<UserRow> {
    await this.db.insertInto("users").values(row).execute();
    return row;
  }

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** By username or email, case-insensitively (both are stored lower-cased). */
  findByLogin(login: string): Promise<UserRow | undefined> {
    const l = login.trim().toLowerCase();
    const column = l.includes("@") ? "email" : "username";
    return this.db.selectFrom("users").selectAll().where(column, "=", l).executeTakeFirst();
  }

  async findMany(ids: readonly string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom("users")
      .selectAll()
      .where("id", "in", [...new Set(ids)])
      .execute();
  }

  async update(id: string, patch: { display_name?: string; password_hash?: string }): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable("users").set(patch).where("id", "=", id).execute();
  }
}
