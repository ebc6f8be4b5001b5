import type { Kysely } from "kysely";
import type { Dialect } from "../database.js";

/**
 * Targeted talk.
 *
 * Direct channels: `channels.kind` is `group` (every channel so far) or `direct`; a direct
 * channel's `direct_key` is its two users' ids in ascending order joined by `:`, unique, so two
 * concurrent opens of the same pair insert one channel and the loser reads it back.
 *
 * Patches: a patch joins channels of one event; `patch_channels.channel_id` is unique, so a
 * channel belongs to at most one patch (two concurrent patches of one channel: one wins).
 */
export function directPatches(_dialect: Dialect) {
  const id = "varchar(36)";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable("channels")
        .addColumn("kind", "varchar(8)", (c) => c.notNull().defaultTo("group"))
        .execute();
      await db.schema.alterTable("channels").addColumn("direct_key", "varchar(80)").execute();
      await db.schema
        .createIndex("channels_direct_key")
        .on("channels")
        .column("direct_key")
        .unique()
        .execute();

      await db.schema
        .createTable("patches")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("event_id", id, (c) => c.notNull().references("events.id").onDelete("cascade"))
        .addColumn("created_by", id, (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("patches_event").on("patches").column("event_id").execute();
      await db.schema
        .createTable("patch_channels")
        .addColumn("patch_id", id, (c) => c.notNull().references("patches.id").onDelete("cascade"))
        .addColumn("channel_id", id, (c) => c.notNull().references("channels.id").onDelete("cascade"))
        .addColumn("position", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("patch_channels_pk", ["patch_id", "channel_id"])
        .addUniqueConstraint("patch_channels_channel", ["channel_id"])
        .execute();
    },
  };
}
