import { randomUUID } from "node:crypto";
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { Dialect } from "../db/database.js";
import { isUniqueViolation } from "../db/errors.js";
import type { DB, PatchesTable } from "../db/schema.js";

export interface PatchRecord {
  id: string;
  event_id: string;
  /** In the order they were given. */
  channel_ids: string[];
  created_by: string;
  created_at: number;
}

/** Why a patch could not be created. */
export type PatchRefusal = "event_gone" | "foreign_channel" | "already_patched";

/**
 * Patches: channels of one event joined so that a transmission on one takes the floor of all.
 * A channel belongs to at most one patch (unique `patch_channels.channel_id`).
 */
export class PatchesRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Creates a patch of `channelIds` (all of `eventId`, checked under a shared lock on the event
   * so a concurrent event delete waits or is seen). A channel already patched — by a concurrent
   * create too — refuses the whole patch.
   */
  async create(
    eventId: string,
    channelIds: readonly string[],
    by: string,
  ): Promise<PatchRecord | PatchRefusal> {
    const patch: PatchRecord = {
      id: randomUUID(),
      event_id: eventId,
      channel_ids: [...channelIds],
      created_by: by,
      created_at: Date.now(),
    };
    try {
      return await this.db.transaction().execute(async (trx) => {
        let event = trx.selectFrom("events").select("id").where("id", "=", eventId);
        if (this.dialect === "mysql") event = event.modifyEnd(sql`lock in share mode`);
        if (!(await event.executeTakeFirst())) return "event_gone" as const;
        const found = await trx
          .selectFrom("channels")
          .select("id")
          .where("id", "in", channelIds)
          .where("event_id", "=", eventId)
          .where("kind", "=", "group")
          .execute();
        if (found.length !== channelIds.length) return "foreign_channel" as const;
        await trx
          .insertInto("patches")
          .values({ id: patch.id, event_id: eventId, created_by: by, created_at: patch.created_at })
          .execute();
        await trx
          .insertInto("patch_channels")
          .values(channelIds.map((channel_id, position) => ({ patch_id: patch.id, channel_id, position })))
          .execute();
        return patch;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return "already_patched";
      throw err;
    }
  }

  async findById(id: string): Promise<PatchRecord | undefined> {
    return (await this.load(this.db.selectFrom("patches").selectAll().where("id", "=", id)))[0];
  }

  /** The patch a channel belongs to, if any. */
  async findByChannel(channelId: string): Promise<PatchRecord | undefined> {
    const patchIds = this.db
      .selectFrom("patch_channels")
      .select("patch_id")
      .where("channel_id", "=", channelId);
    return (await this.load(this.db.selectFrom("patches").selectAll().where("id", "in", patchIds)))[0];
  }

  listForEvent(eventId: string): Promise<PatchRecord[]> {
    return this.load(this.db.selectFrom("patches").selectAll().where("event_id", "=", eventId));
  }

  /** Deletes a patch; false when it was already gone. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("patch_channels").where("patch_id", "=", id).execute();
      const r = await trx.deleteFrom("patches").where("id", "=", id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  private async load(q: SelectQueryBuilder<DB, "patches", PatchesTable>): Promise<PatchRecord[]> {
    const patches = await q.orderBy("created_at").execute();
    if (patches.length === 0) return [];
    const rows = await this.db
      .selectFrom("patch_channels")
      .select(["patch_id", "channel_id"])
      .where(
        "patch_id",
        "in",
        patches.map((p) => p.id),
      )
      .orderBy("position")
      .execute();
    return patches.map((p) => ({
      ...p,
      created_at: Number(p.created_at),
      channel_ids: rows.filter((r) => r.patch_id === p.id).map((r) => r.channel_id),
    }));
  }
}
