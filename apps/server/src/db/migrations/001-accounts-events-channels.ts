import type { Kysely } from "kysely";
import type { Dialect } from "../database.js";

/** Users, sessions (refresh families), events, channels and their members. */
export function accountsEventsChannels(dialect: Dialect) {
  const id = "varchar(36)";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("users")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("username", "varchar(32)", (c) => c.notNull().unique())
        .addColumn("email", "varchar(254)", (c) => c.notNull().unique())
        .addColumn("password_hash", "varchar(255)", (c) => c.notNull())
        .addColumn("display_name", "varchar(64)", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("sessions")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("user_id", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("revoked_at", "bigint")
        .execute();
      await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

      await db.schema
        .createTable("refresh_tokens")
        .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
        .addColumn("session_id", id, (c) => c.notNull().references("sessions.id").onDelete("cascade"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("used_at", "bigint")
        .execute();
      await db.schema
        .createIndex("refresh_tokens_session")
        .on("refresh_tokens")
        .column("session_id")
        .execute();

      await db.schema
        .createTable("events")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("name", "varchar(100)", (c) => c.notNull())
        .addColumn("description", dialect === "mysql" ? "text" : "text", (c) => c.notNull())
        .addColumn("starts_at", "bigint")
        .addColumn("ends_at", "bigint")
        .addColumn("invite_code", "varchar(8)", (c) => c.notNull().unique())
        .addColumn("created_by", id, (c) => c.notNull().references("users.id"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("event_members")
        .addColumn("event_id", id, (c) => c.notNull().references("events.id").onDelete("cascade"))
        .addColumn("user_id", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("role", "varchar(16)", (c) => c.notNull())
        .addColumn("joined_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("event_members_pk", ["event_id", "user_id"])
        .execute();
      await db.schema.createIndex("event_members_user").on("event_members").column("user_id").execute();

      await db.schema
        .createTable("channels")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("event_id", id, (c) => c.references("events.id").onDelete("cascade"))
        .addColumn("name", "varchar(100)", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("invite_code", "varchar(8)", (c) => c.notNull().unique())
        .addColumn("last_seq", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("created_by", id, (c) => c.notNull().references("users.id"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("channels_event").on("channels").column("event_id").execute();

      await db.schema
        .createTable("channel_members")
        .addColumn("channel_id", id, (c) => c.notNull().references("channels.id").onDelete("cascade"))
        .addColumn("user_id", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("role", "varchar(16)", (c) => c.notNull())
        .addColumn("can_speak", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("joined_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("channel_members_pk", ["channel_id", "user_id"])
        .execute();
      await db.schema.createIndex("channel_members_user").on("channel_members").column("user_id").execute();
    },
  };
}
