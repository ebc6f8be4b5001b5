import type { Kysely } from "kysely";
import type { Dialect } from "../database.js";

/**
 * One-time password reset codes that an organiser issues for a member and reads out to them. At
 * most one per user (`user_id` is the key: a new code replaces an unused one). Only the SHA-256
 * (hex) of the code is stored. The code is bound to who issued it and for which event, so that
 * redeeming re-checks that the issuer may still do it; deleting either user or the event deletes it.
 */
export function passwordResetCodes(_dialect: Dialect) {
  const id = "varchar(36)";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("password_reset_codes")
        .addColumn("user_id", id, (c) => c.primaryKey().references("users.id").onDelete("cascade"))
        .addColumn("code_hash", "varchar(64)", (c) => c.notNull())
        .addColumn("issued_by", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("event_id", id, (c) => c.notNull().references("events.id").onDelete("cascade"))
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("password_reset_codes_expires")
        .on("password_reset_codes")
        .column("expires_at")
        .execute();
    },
  };
}
