import { type Kysely, sql, type Transaction } from "kysely";
import type { Dialect } from "../db/database.js";
import { isUniqueViolation } from "../db/errors.js";
import type { ChannelRow, DB } from "../db/schema.js";
import { type ChannelGrant, type ChannelRole, channelGrant, storedChannelRole } from "../domain/policy.js";
import type { EventRole } from "./events.js";

export type { ChannelGrant, ChannelRole };

export interface ChannelMemberRow {
  user_id: string;
  joined_at: number;
  grant: ChannelGrant;
}

/** Outcome of a membership change that must keep a standalone channel's last admin. */
export type ChannelChange = "ok" | "not_member" | "last_admin";

export class ChannelsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Locks the channel row until the transaction ends, serialising membership changes of one
   * channel (MySQL `FOR UPDATE`; SQLite runs one transaction at a time anyway).
   */
  private async lockChannel(trx: Transaction<DB>, channelId: string, mode: "update" | "share" = "update") {
    let q = trx.selectFrom("channels").select(["id", "event_id"]).where("id", "=", channelId);
    if (this.dialect === "mysql")
      q = mode === "update" ? q.forUpdate() : q.modifyEnd(sql`lock in share mode`);
    return q.executeTakeFirst();
  }

  /**
   * Whether taking `userId`'s admin row away would leave a standalone channel without an admin
   * (event channels always have their event's organisers). Read under the channel's lock.
   */
  private async wouldLoseLastAdmin(
    trx: Transaction<DB>,
    channel: { id: string; event_id: string | null },
    userId: string,
  ): Promise<boolean> {
    if (channel.event_id) return false;
    const rows = await trx
      .selectFrom("channel_members")
      .select("user_id")
      .where("channel_id", "=", channel.id)
      .where("role", "=", "admin")
      .execute();
    return rows.length > 0 && rows.every((r) => r.user_id === userId);
  }

  /** Creates a channel (with its creator's row for standalone ones); false if its event is gone. */
  async create(
    row: Omit<ChannelRow, "last_seq" | "kind" | "direct_key">,
    creatorRole: ChannelRole | null,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (row.event_id) {
        // A shared lock on the event, so a concurrent event delete waits for this insert (and
        // then deletes the channel too) or this finds the event gone, instead of a deadlock.
        let event = trx.selectFrom("events").select("id").where("id", "=", row.event_id);
        if (this.dialect === "mysql") event = event.modifyEnd(sql`lock in share mode`);
        if (!(await event.executeTakeFirst())) return false;
      }
      await trx.insertInto("channels").values(row).execute();
      if (creatorRole) {
        await trx
          .insertInto("channel_members")
          .values({
            channel_id: row.id,
            user_id: row.created_by,
            role: creatorRole,
            joined_at: row.created_at,
          })
          .execute();
      }
      return true;
    });
  }

  findById(id: string): Promise<ChannelRow | undefined> {
    return this.db.selectFrom("channels").selectAll().where("id", "=", id).executeTakeFirst();
  }

  findByInviteCode(code: string): Promise<ChannelRow | undefined> {
    return this.db.selectFrom("channels").selectAll().where("invite_code", "=", code).executeTakeFirst();
  }

  listForEvent(eventId: string): Promise<ChannelRow[]> {
    return this.db
      .selectFrom("channels")
      .selectAll()
      .where("event_id", "=", eventId)
      .orderBy("created_at")
      .execute();
  }

  /**
   * The channel and the user's access to it in one statement (the channel row with the user's
   * `channel_members` and `event_members` rows joined): undefined when the channel does not
   * exist, `access: null` when the user is not in it. One consistent read, one round trip.
   */
  async findWithAccess(
    channelId: string,
    userId: string,
  ): Promise<{ channel: ChannelRow; access: ChannelGrant | null } | undefined> {
    const row = await this.db
      .selectFrom("channels as c")
      .leftJoin("channel_members as cm", (j) =>
        j.onRef("cm.channel_id", "=", "c.id").on("cm.user_id", "=", userId),
      )
      .leftJoin("event_members as em", (j) =>
        j.onRef("em.event_id", "=", "c.event_id").on("em.user_id", "=", userId),
      )
      .leftJoin("channel_restrictions as cr", (j) =>
        j.onRef("cr.channel_id", "=", "c.id").on("cr.user_id", "=", userId),
      )
      .selectAll("c")
      .select(["cm.role as member_role", "em.role as event_role", "cr.user_id as restricted_user"])
      .where("c.id", "=", channelId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { member_role, event_role, restricted_user, ...channel } = row;
    const access = channelGrant({
      eventRole: event_role ?? null,
      ownRole: member_role ?? null,
      restricted: restricted_user != null,
      directChannel: channel.kind === "direct",
    });
    return { channel, access };
  }

  /** The user's access to a channel (see findWithAccess, which also returns the channel). */
  async access(channel: Pick<ChannelRow, "id">, userId: string): Promise<ChannelGrant | null> {
    return (await this.findWithAccess(channel.id, userId))?.access ?? null;
  }

  /** Every channel the user can open, with their access, oldest first. */
  async listForUser(userId: string): Promise<{ channel: ChannelRow; access: ChannelGrant }[]> {
    const [viaEvents, direct, restrictions] = await Promise.all([
      this.db
        .selectFrom("channels as c")
        .innerJoin("event_members as m", "m.event_id", "c.event_id")
        .selectAll("c")
        .select("m.role as event_role")
        .where("m.user_id", "=", userId)
        .execute(),
      this.db
        .selectFrom("channels as c")
        .innerJoin("channel_members as cm", "cm.channel_id", "c.id")
        .selectAll("c")
        .select("cm.role as row_role")
        .where("cm.user_id", "=", userId)
        .execute(),
      this.db.selectFrom("channel_restrictions").select("channel_id").where("user_id", "=", userId).execute(),
    ]);
    const restricted = new Set(restrictions.map((r) => r.channel_id));
    const byId = new Map<
      string,
      { channel: ChannelRow; eventRole: EventRole | null; ownRole: ChannelRole | null }
    >();
    for (const { event_role, ...c } of viaEvents)
      byId.set(c.id, { channel: c, eventRole: event_role, ownRole: null });
    for (const { row_role, ...c } of direct) {
      const entry = byId.get(c.id) ?? { channel: c, eventRole: null, ownRole: null };
      entry.ownRole = row_role;
      byId.set(c.id, entry);
    }
    return [...byId.values()]
      .map((e) => ({
        channel: e.channel,
        access: channelGrant({
          eventRole: e.eventRole,
          ownRole: e.ownRole,
          restricted: restricted.has(e.channel.id),
          directChannel: e.channel.kind === "direct",
        })!,
      }))
      .sort((a, b) => a.channel.created_at - b.channel.created_at);
  }

  /** Members with their effective access: event members (for event channels) plus direct members. */
  async members(
    channel: Pick<ChannelRow, "id" | "event_id"> & { kind?: string },
  ): Promise<ChannelMemberRow[]> {
    const directChannel = channel.kind === "direct";
    const [rows, eventRows, restrictions] = await Promise.all([
      this.db.selectFrom("channel_members").selectAll().where("channel_id", "=", channel.id).execute(),
      channel.event_id
        ? this.db
            .selectFrom("event_members")
            .select(["user_id", "role", "joined_at"])
            .where("event_id", "=", channel.event_id)
            .execute()
        : [],
      this.db
        .selectFrom("channel_restrictions")
        .select("user_id")
        .where("channel_id", "=", channel.id)
        .execute(),
    ]);
    const restricted = new Set(restrictions.map((r) => r.user_id));
    const own = new Map(rows.map((r) => [r.user_id, r]));
    const byUser = new Map<string, ChannelMemberRow>();
    for (const e of eventRows) {
      const grant = channelGrant({
        eventRole: e.role,
        ownRole: own.get(e.user_id)?.role ?? null,
        restricted: restricted.has(e.user_id),
      })!;
      byUser.set(e.user_id, { user_id: e.user_id, joined_at: e.joined_at, grant });
    }
    for (const r of rows) {
      if (byUser.has(r.user_id)) continue;
      const grant = channelGrant({
        eventRole: null,
        ownRole: r.role,
        restricted: restricted.has(r.user_id),
        directChannel,
      })!;
      byUser.set(r.user_id, { user_id: r.user_id, joined_at: r.joined_at, grant });
    }
    return [...byUser.values()].sort((a, b) => a.joined_at - b.joined_at);
  }

  async update(
    id: string,
    patch: Partial<Pick<ChannelRow, "name" | "description" | "invite_code">>,
  ): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable("channels").set(patch).where("id", "=", id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // Parent first, like every membership change, so concurrent ones cannot deadlock with this.
      await this.lockChannel(trx, id);
      const messageIds = trx.selectFrom("messages").select("id").where("channel_id", "=", id);
      await trx.deleteFrom("message_acks").where("message_id", "in", messageIds).execute();
      await trx.deleteFrom("messages").where("channel_id", "=", id).execute();
      await trx.deleteFrom("recordings").where("channel_id", "=", id).execute();
      await trx.deleteFrom("channel_members").where("channel_id", "=", id).execute();
      await trx.deleteFrom("channel_restrictions").where("channel_id", "=", id).execute();
      await trx.deleteFrom("patch_channels").where("channel_id", "=", id).execute();
      await trx.deleteFrom("channels").where("id", "=", id).execute();
    });
  }

  /** Adds a direct member unless they already have a row (or the channel is gone); returns
   *  whether one was added. */
  async addMember(channelId: string, userId: string, role: ChannelRole): Promise<boolean> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        if (!(await this.lockChannel(trx, channelId, "share"))) return false;
        const existing = await trx
          .selectFrom("channel_members")
          .select("role")
          .where("channel_id", "=", channelId)
          .where("user_id", "=", userId)
          .executeTakeFirst();
        if (existing) return false;
        await trx
          .insertInto("channel_members")
          .values({ channel_id: channelId, user_id: userId, role, joined_at: Date.now() })
          .execute();
        return true;
      });
    } catch (err) {
      // A concurrent join of the same user won the insert: they are a member, as asked.
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /**
   * Sets the channel role staff gave a member: for an event member only what is raised above
   * their event role is stored (policy `storedChannelRole`), so no row ever copies the derived
   * role. Refused when it demotes a standalone channel's last admin. Atomic: of two admins
   * stepping down at once, one is refused.
   */
  async setRole(
    channelId: string,
    userId: string,
    eventRole: EventRole | null,
    requested: ChannelRole,
  ): Promise<ChannelChange> {
    const role = storedChannelRole(eventRole, requested);
    return this.db.transaction().execute(async (trx) => {
      const channel = await this.lockChannel(trx, channelId);
      if (!channel) return "not_member";
      const exists = await trx
        .selectFrom("channel_members")
        .select("role")
        .where("channel_id", "=", channelId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      if (
        exists?.role === "admin" &&
        role !== "admin" &&
        (await this.wouldLoseLastAdmin(trx, channel, userId))
      )
        return "last_admin";
      // Select first: MySQL reports 0 affected rows for an update that changes nothing.
      if (exists) {
        await trx
          .updateTable("channel_members")
          .set({ role })
          .where("channel_id", "=", channelId)
          .where("user_id", "=", userId)
          .execute();
      } else if (role !== "member" || !eventRole) {
        // An event member without a raise needs no row: the event gives them the channel.
        await trx
          .insertInto("channel_members")
          .values({ channel_id: channelId, user_id: userId, role, joined_at: Date.now() })
          .execute();
      }
      return "ok";
    });
  }

  /**
   * Restricts a user to listening in a channel, or lifts the restriction. The restriction is
   * its own record: it outlives leaving and rejoining, and only this call (by staff) clears it.
   */
  async setRestricted(channelId: string, userId: string, restricted: boolean, by: string): Promise<void> {
    if (!restricted) {
      await this.db
        .deleteFrom("channel_restrictions")
        .where("channel_id", "=", channelId)
        .where("user_id", "=", userId)
        .execute();
      return;
    }
    try {
      await this.db
        .insertInto("channel_restrictions")
        .values({ channel_id: channelId, user_id: userId, created_by: by, created_at: Date.now() })
        .execute();
    } catch (err) {
      // Already restricted: as asked.
      if (!isUniqueViolation(err)) throw err;
    }
  }

  /** Removes a member's row, unless they are a standalone channel's last admin. */
  async removeMember(channelId: string, userId: string): Promise<ChannelChange> {
    return this.db.transaction().execute(async (trx) => {
      const channel = await this.lockChannel(trx, channelId);
      if (!channel) return "not_member";
      if (await this.wouldLoseLastAdmin(trx, channel, userId)) return "last_admin";
      const r = await trx
        .deleteFrom("channel_members")
        .where("channel_id", "=", channelId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0 ? "ok" : "not_member";
    });
  }

  async adminCount(channelId: string): Promise<number> {
    const r = await this.db
      .selectFrom("channel_members")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("channel_id", "=", channelId)
      .where("role", "=", "admin")
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
