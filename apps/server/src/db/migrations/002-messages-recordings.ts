import { type Kysely, sql } from "kysely";
import type { Dialect } from "../database.js";

/** Messages (per-channel gap-free seq, idempotency key) and recordings (Ogg Opus bytes). */
export function messagesRecordings(dialect: Dialect) {
  const id = "varchar(36)";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("recordings")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("channel_id", id, (c) => c.notNull().references("channels.id").onDelete("cascade"))
        .addColumn("sender_id", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("stream_id", "bigint", (c) => c.notNull())
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addColumn("size_bytes", "integer", (c) => c.notNull())
        .addColumn("data", dialect === "mysql" ? sql`longblob` : "blob", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("recordings_created").on("recordings").column("created_at").execute();
      await db.schema.createIndex("recordings_channel").on("recordings").column("channel_id").execute();

      await db.schema
        .createTable("messages")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("channel_id", id, (c) => c.notNull().references("channels.id").onDelete("cascade"))
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addColumn("sender_id", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("kind", "varchar(8)", (c) => c.notNull())
        .addColumn("body", "text")
        .addColumn("recording_id", id, (c) => c.references("recordings.id").onDelete("set null"))
        .addColumn("client_id", "varchar(64)")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("messages_channel_seq", ["channel_id", "seq"])
        .addUniqueConstraint("messages_idempotency", ["channel_id", "sender_id", "client_id"])
        .execute();
    },
  };
}
