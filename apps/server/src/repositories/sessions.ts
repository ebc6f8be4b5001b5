import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { hashRefreshToken, newRefreshToken } from "../auth/tokens.js";
import type { DB } from "../db/schema.js";

export type RotateResult =
  | { status: "ok"; sessionId: string; userId: string; refreshToken: string }
  | { status: "reused"; sessionId: string; userId: string }
  | { status: "invalid" };

/**
 * Sessions are refresh-token families (RFC 9700 §4.14.2): every refresh rotates the token, and
 * presenting a token that was already used revokes the whole family.
 */
export class SessionsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly ttlMs: number,
  ) {}

  async create(userId: string): Promise<{ sessionId: string; refreshToken: string }> {
    const now = Date.now();
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("sessions")
        .values({
          id: sessionId,
          user_id: userId,
          created_at: now,
          expires_at: now + this.ttlMs,
          revoked_at: null,
        })
        .execute();
      await trx
        .insertInto("refresh_tokens")
        .values({
          token_hash: hashRefreshToken(refreshToken),
          session_id: sessionId,
          created_at: now,
          expires_at: now + this.ttlMs,
          used_at: null,
        })
        .execute();
    });
    return { sessionId, refreshToken };
  }

  /** Exchanges a refresh token for a new one. Atomic: of two concurrent uses, one is "reused". */
  async rotate(refreshToken: string): Promise<RotateResult> {
    const now = Date.now();
    const hash = hashRefreshToken(refreshToken);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("refresh_tokens as t")
        .innerJoin("sessions as s", "s.id", "t.session_id")
        .select([
          "t.session_id",
          "t.used_at",
          "t.expires_at",
          "s.user_id",
          "s.revoked_at",
          "s.expires_at as session_expires_at",
        ])
        .where("t.token_hash", "=", hash)
        .executeTakeFirst();
      if (!row || row.revoked_at !== null || row.expires_at < now || row.session_expires_at < now)
        return { status: "invalid" };
      const claimed = await trx
        .updateTable("refresh_tokens")
        .set({ used_at: now })
        .where("token_hash", "=", hash)
        .where("used_at", "is", null)
        .executeTakeFirst();
      if (row.used_at !== null || Number(claimed.numUpdatedRows) !== 1) {
        await trx.updateTable("sessions").set({ revoked_at: now }).where("id", "=", row.session_id).execute();
        return { status: "reused", sessionId: row.session_id, userId: row.user_id };
      }
      const next = newRefreshToken();
      await trx
        .insertInto("refresh_tokens")
        .values({
          token_hash: hashRefreshToken(next),
          session_id: row.session_id,
          created_at: now,
          expires_at: row.session_expires_at,
          used_at: null,
        })
        .execute();
      return { status: "ok", sessionId: row.session_id, userId: row.user_id, refreshToken: next };
    });
  }

  /** The session a refresh token belongs to, used or not (for logout). */
  async sessionOf(refreshToken: string): Promise<{ sessionId: string; userId: string } | undefined> {
    const row = await this.db
      .selectFrom("refresh_tokens as t")
      .innerJoin("sessions as s", "s.id", "t.session_id")
      .select(["s.id", "s.user_id"])
      .where("t.token_hash", "=", hashRefreshToken(refreshToken))
      .executeTakeFirst();
    return row ? { sessionId: row.id, userId: row.user_id } : undefined;
  }

  async revoke(sessionId: string): Promise<void> {
    await this.db
      .updateTable("sessions")
      .set({ revoked_at: Date.now() })
      .where("id", "=", sessionId)
      .where("revoked_at", "is", null)
      .execute();
  }

  /** Ids of the user's sessions that are neither revoked nor expired. */
  async activeIds(userId: string, now = Date.now()): Promise<string[]> {
    const rows = await this.db
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", now)
      .execute();
    return rows.map((r) => r.id);
  }

  async isActive(sessionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("sessions")
      .select(["revoked_at", "expires_at"])
      .where("id", "=", sessionId)
      .executeTakeFirst();
    return !!row && row.revoked_at === null && row.expires_at > Date.now();
  }

  /** Deletes expired sessions and their tokens. */
  async purgeExpired(now = Date.now()): Promise<number> {
    const r = await this.db.deleteFrom("sessions").where("expires_at", "<", now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
