import type { Kysely } from "kysely";
import type { Dialect } from "../database.js";

/**
 * Indexes for the storage and creation quotas (commands/storage-quota.ts). The recording ones
 * cover `size_bytes`, so summing a user's or an event's stored bytes reads the index only and
 * never touches the rows, whose audio blobs are large; the `created_by` ones count what a user
 * created. (MySQL already indexes foreign-key columns on their own, SQLite does not.)
 */
export function recordingQuotaIndexes(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex("recordings_sender_size")
        .on("recordings")
        .columns(["sender_id", "size_bytes"])
        .execute();
      await db.schema
        .createIndex("recordings_channel_size")
        .on("recordings")
        .columns(["channel_id", "size_bytes"])
        .execute();
      await db.schema.createIndex("events_created_by").on("events").column("created_by").execute();
      await db.schema.createIndex("channels_created_by").on("channels").column("created_by").execute();
    },
  };
}
