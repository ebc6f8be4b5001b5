import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Dialect } from "../db/database.js";
import type { DB, PushSubscriptionsTable } from "../db/schema.js";

export type PushSubscriptionRow = PushSubscriptionsTable;

/** A user keeps at most this many browsers subscribed; registering one more drops the oldest. */
export const MAX_PUSH_SUBSCRIPTIONS_PER_USER = 10;

const hashOf = (endpoint: string) => createHash("sha256").update(endpoint).digest("hex");

export class PushSubscriptionsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Registers `endpoint` for the user's session. The same endpoint registered again (a new
   * session on the same browser, or another user signing in on it) moves to the new owner: one
   * browser is notified for whoever last signed in on it.
   */
  async save(
    sub: { endpoint: string; userId: string; sessionId: string; p256dh: string; auth: string },
    now = Date.now(),
  ): Promise<void> {
    const row: PushSubscriptionRow = {
      endpoint_hash: hashOf(sub.endpoint),
      endpoint: sub.endpoint,
      user_id: sub.userId,
      session_id: sub.sessionId,
      p256dh: sub.p256dh,
      auth: sub.auth,
      created_at: now,
    };
    const { endpoint_hash: _, endpoint: __, ...changes } = row;
    await this.db.transaction().execute(async (trx) => {
      const insert = trx.insertInto("push_subscriptions").values(row);
      await (this.dialect === "mysql"
        ? insert.onDuplicateKeyUpdate(changes)
        : insert.onConflict((oc) => oc.column("endpoint_hash").doUpdateSet(changes))
      ).execute();
      const beyond = await trx
        .selectFrom("push_subscriptions")
        .select("endpoint_hash")
        .where("user_id", "=", sub.userId)
        .orderBy("created_at", "desc")
        .orderBy("endpoint_hash")
        .offset(MAX_PUSH_SUBSCRIPTIONS_PER_USER)
        .limit(1_000)
        .execute();
      if (beyond.length)
        await trx
          .deleteFrom("push_subscriptions")
          .where(
            "endpoint_hash",
            "in",
            beyond.map((b) => b.endpoint_hash),
          )
          .execute();
    });
  }

  /** Forgets the user's subscription at `endpoint`; another user's is left alone. */
  async remove(userId: string, endpoint: string): Promise<void> {
    await this.db
      .deleteFrom("push_subscriptions")
      .where("endpoint_hash", "=", hashOf(endpoint))
      .where("user_id", "=", userId)
      .execute();
  }

  /** The push service said the endpoint is gone (404/410). */
  async removeEndpoint(endpoint: string): Promise<void> {
    await this.db.deleteFrom("push_subscriptions").where("endpoint_hash", "=", hashOf(endpoint)).execute();
  }

  /** A session signed out (or was revoked): its browsers are no longer told anything. */
  async removeSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom("push_subscriptions").where("session_id", "=", sessionId).execute();
  }

  async ofUsers(userIds: readonly string[]): Promise<PushSubscriptionRow[]> {
    if (!userIds.length) return [];
    return this.db.selectFrom("push_subscriptions").selectAll().where("user_id", "in", userIds).execute();
  }
}
