import { type Kysely, sql } from "kysely";
import type { Dialect } from "../database.js";

/**
 * Listen-only restrictions get a table of their own, so they outlive leaving and rejoining a
 * channel or its event (only staff clear one), and `channel_members.role` holds only what was
 * explicitly raised above the event role.
 *
 * Before this, changing an event member's speak permission copied their whole effective role
 * into their channel row, where it stayed after a demotion in the event. Such copies cannot be
 * told apart from deliberate raises, so every event member's per-channel row in that event's
 * channels is reset to `member`: staff re-raise where they meant to.
 */
export function channelRestrictions(_dialect: Dialect) {
  const id = "varchar(36)";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("channel_restrictions")
        .addColumn("channel_id", id, (c) => c.notNull().references("channels.id").onDelete("cascade"))
        .addColumn("user_id", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_by", id)
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("channel_restrictions_pk", ["channel_id", "user_id"])
        .execute();
      await db.schema
        .createIndex("channel_restrictions_user")
        .on("channel_restrictions")
        .column("user_id")
        .execute();
      await sql`insert into channel_restrictions (channel_id, user_id, created_by, created_at)
        select channel_id, user_id, null, joined_at from channel_members where can_speak = 0`.execute(db);
      await sql`update channel_members set role = 'member'
        where exists (
          select 1 from channels c
          join event_members em on em.event_id = c.event_id
          where c.id = channel_members.channel_id and em.user_id = channel_members.user_id
        )`.execute(db);
      await db.schema.alterTable("channel_members").dropColumn("can_speak").execute();
    },
  };
}
