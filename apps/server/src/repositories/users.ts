import type { Kysely } from "kysely";
import type { DB, UserRow } from "../db/schema.js";

/** What other people see of a user: no credentials, no email. */
export type UserProfile = Pick<UserRow, "id" | "username" | "display_name" | "created_at">;

/** How long a cached profile is served; a rename on another instance shows within this. */
export const PROFILE_TTL_MS = 30_000;

export class UsersRepo {
  /** Recently read profiles, oldest first (a Map keeps insertion order; a hit moves to the end). */
  private readonly profiles = new Map<string, { profile: UserProfile; until: number }>();
  /** Bumped by every update: a read that overlapped one does not cache what it read. */
  private updates = 0;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxProfiles = 10_000,
  ) {}

  /**
   * A user's public profile, from a short-lived cache: sockets reconnecting (phones switching
   * networks) and chat posts present their user without a query. Bounded (10,000 entries, least
   * recently read out first); an update on this instance drops the entry at once.
   */
  async profile(id: string): Promise<UserProfile | undefined> {
    const now = Date.now();
    const hit = this.profiles.get(id);
    if (hit && hit.until > now) {
      this.profiles.delete(id);
      this.profiles.set(id, hit);
      return hit.profile;
    }
    const updates = this.updates;
    const row = await this.db
      .selectFrom("users")
      .select(["id", "username", "display_name", "created_at"])
      .where("id", "=", id)
      .executeTakeFirst();
    this.profiles.delete(id);
    if (!row || updates !== this.updates) return row;
    this.profiles.set(id, { profile: row, until: now + PROFILE_TTL_MS });
    if (this.profiles.size > this.maxProfiles) this.profiles.delete(this.profiles.keys().next().value!);
    return row;
  }

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
    this.updates++;
    this.profiles.delete(id);
    try {
      await this.db.updateTable("users").set(patch).where("id", "=", id).execute();
    } finally {
      this.updates++;
      this.profiles.delete(id);
    }
  }
}
