import type { Kysely } from "kysely";
import type { Dialect } from "../database.js";

/**
 * Web Push subscriptions: one row per browser endpoint, owned by the session that registered it
 * (a signed-out session's rows are deleted with it). The key is the SHA-256 of the endpoint, since
 * an endpoint URL is too long for a MySQL index.
 */
export function pushSubscriptions(_dialect: Dialect) {
  const id = "varchar(36)";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("push_subscriptions")
        .addColumn("endpoint_hash", "varchar(64)", (c) => c.primaryKey())
        .addColumn("endpoint", "text", (c) => c.notNull())
        .addColumn("user_id", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("session_id", id, (c) => c.notNull().references("sessions.id").onDelete("cascade"))
        .addColumn("p256dh", "varchar(128)", (c) => c.notNull())
        .addColumn("auth", "varchar(64)", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("push_subscriptions_user")
        .on("push_subscriptions")
        .column("user_id")
        .execute();
      await db.schema
        .createIndex("push_subscriptions_session")
        .on("push_subscriptions")
        .column("session_id")
        .execute();
    },
  };
}
