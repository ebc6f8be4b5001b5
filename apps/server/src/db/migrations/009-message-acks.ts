import type { Kysely } from "kysely";
import type { Dialect } from "../database.js";

/**
 * Messages that must be acknowledged. `messages.ack_required` (0 or 1) marks one; its recipients
 * are stored with it, in the same transaction, as `message_acks` rows with a null `acked_at` (the
 * channel's members other than the sender at that moment), and acknowledging sets `acked_at`
 * once. So `total` is the row count, `count` the rows with `acked_at`, and who is pending needs
 * no reconstruction of past membership.
 */
export function messageAcks(_dialect: Dialect) {
  const id = "varchar(36)";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable("messages")
        .addColumn("ack_required", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable("message_acks")
        .addColumn("message_id", id, (c) => c.notNull().references("messages.id").onDelete("cascade"))
        .addColumn("user_id", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("acked_at", "bigint")
        .addPrimaryKeyConstraint("message_acks_pk", ["message_id", "user_id"])
        .execute();
    },
  };
}
