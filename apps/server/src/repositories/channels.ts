import { type Kysely, sql, type Transaction } from "kysely";
import type { Dialect } from "../db/database.js";
import { isUniqueViolation } from "../db/errors.js";
import type { ChannelMembersTable, ChannelRow, DB } from "../db/schema.js";
import type { EventRole } from "./events.js";

export type ChannelRole = ChannelMembersTable["role"];

/** Effective access of one user to one channel. */
export interface ChannelAccess {
  role: ChannelRole;
  canSpeak: boolean;
  /** The user's event role when the channel belongs to an event they are a member of. */
  eventRole: EventRole | null;
}

export interface ChannelMemberRow {
  user_id: string;
  role: ChannelRole;
  can_speak: boolean;
  joined_at: number;
  event_role: EventRole | null;
}

const RANK: Record<ChannelRole, number> = { member: 0, moderator: 1, admin: 2 };
const FROM_EVENT: Record<EventRole, ChannelRole> = {
  organiser: "admin",
  moderator: "moderator",
  participant: "member",
};

/**
 * Members of an event are members of its channels, with the channel role derived from the event
 * role; a `channel_members` row either adds a member directly (standalone channels, or a channel
 * code of an event channel) or raises the derived role / sets `can_speak` for one member.
 */
export function effectiveAccess(
  eventRole: EventRole | null,
  row: { role: ChannelRole; can_speak: number } | undefined,
): ChannelAccess | null {
  if (!eventRole && !row) return null;
  const derived = eventRole ? FROM_EVENT[eventRole] : null;
  const role = derived && (!row || RANK[derived] >= RANK[row.role]) ? derived : row!.role;
  return { role, canSpeak: row ? row.can_speak === 1 : true, eventRole };
}

export function outranks(a: ChannelRole, b: ChannelRole): boolean {
  return RANK[a] > RANK[b];
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
  async create(row: Omit<ChannelRow, "last_seq">, creatorRole: ChannelRole | null): Promise<boolean> {
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
            can_speak: 1,
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
  ): Promise<{ channel: ChannelRow; access: ChannelAccess | null } | undefined> {
    const row = await this.db
      .selectFrom("channels as c")
      .leftJoin("channel_members as cm", (j) =>
        j.onRef("cm.channel_id", "=", "c.id").on("cm.user_id", "=", userId),
      )
      .leftJoin("event_members as em", (j) =>
        j.onRef("em.event_id", "=", "c.event_id").on("em.user_id", "=", userId),
      )
      .selectAll("c")
      .select(["cm.role as member_role", "cm.can_speak as member_can_speak", "em.role as event_role"])
      .where("c.id", "=", channelId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { member_role, member_can_speak, event_role, ...channel } = row;
    const access = effectiveAccess(
      event_role ?? null,
      member_role ? { role: member_role, can_speak: Number(member_can_speak) } : undefined,
    );
    return { channel, access };
  }

  async access(channel: Pick<ChannelRow, "id" | "event_id">, userId: string): Promise<ChannelAccess | null> {
    const [row, ev] = await Promise.all([
      this.db
        .selectFrom("channel_members")
        .select(["role", "can_speak"])
        .where("channel_id", "=", channel.id)
        .where("user_id", "=", userId)
        .executeTakeFirst(),
      channel.event_id
        ? this.db
            .selectFrom("event_members")
            .select("role")
            .where("event_id", "=", channel.event_id)
            .where("user_id", "=", userId)
            .executeTakeFirst()
        : undefined,
    ]);
    return effectiveAccess(
      ev?.role ?? null,
      row ? { role: row.role, can_speak: Number(row.can_speak) } : undefined,
    );
  }

  /** Every channel the user can open, with their access, oldest first. */
  async listForUser(userId: string): Promise<{ channel: ChannelRow; access: ChannelAccess }[]> {
    const [viaEvents, direct] = await Promise.all([
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
        .select(["cm.role as row_role", "cm.can_speak as row_can_speak"])
        .where("cm.user_id", "=", userId)
        .execute(),
    ]);
    const byId = new Map<
      string,
      { channel: ChannelRow; eventRole: EventRole | null; row?: { role: ChannelRole; can_speak: number } }
    >();
    for (const { event_role, ...c } of viaEvents) byId.set(c.id, { channel: c, eventRole: event_role });
    for (const { row_role, row_can_speak, ...c } of direct) {
      const entry = byId.get(c.id) ?? { channel: c, eventRole: null };
      entry.row = { role: row_role, can_speak: Number(row_can_speak) };
      byId.set(c.id, entry);
    }
    return [...byId.values()]
      .map((e) => ({ channel: e.channel, access: effectiveAccess(e.eventRole, e.row)! }))
      .sort((a, b) => a.channel.created_at - b.channel.created_at);
  }

  /** Members with their effective role: event members (for event channels) plus direct members. */
  async members(channel: Pick<ChannelRow, "id" | "event_id">): Promise<ChannelMemberRow[]> {
    const [rows, eventRows] = await Promise.all([
      this.db.selectFrom("channel_members").selectAll().where("channel_id", "=", channel.id).execute(),
      channel.event_id
        ? this.db
            .selectFrom("event_members")
            .select(["user_id", "role", "joined_at"])
            .where("event_id", "=", channel.event_id)
            .execute()
        : [],
    ]);
    const byUser = new Map<string, ChannelMemberRow>();
    const own = new Map(rows.map((r) => [r.user_id, r]));
    for (const e of eventRows) {
      const r = own.get(e.user_id);
      const a = effectiveAccess(e.role, r ? { role: r.role, can_speak: Number(r.can_speak) } : undefined)!;
      byUser.set(e.user_id, {
        user_id: e.user_id,
        role: a.role,
        can_speak: a.canSpeak,
        joined_at: e.joined_at,
        event_role: e.role,
      });
    }
    for (const r of rows) {
      if (byUser.has(r.user_id)) continue;
      byUser.set(r.user_id, {
        user_id: r.user_id,
        role: r.role,
        can_speak: Number(r.can_speak) === 1,
        joined_at: r.joined_at,
        event_role: null,
      });
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
      await trx.deleteFrom("messages").where("channel_id", "=", id).execute();
      await trx.deleteFrom("recordings").where("channel_id", "=", id).execute();
      await trx.deleteFrom("channel_members").where("channel_id", "=", id).execute();
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
          .values({ channel_id: channelId, user_id: userId, role, can_speak: 1, joined_at: Date.now() })
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
   * Creates or updates the member's row with the given role and speak permission, unless that
   * demotes a standalone channel's last admin. Atomic: of two admins stepping down at once, one
   * is refused.
   */
  async upsertMember(
    channelId: string,
    userId: string,
    role: ChannelRole,
    canSpeak: boolean,
  ): Promise<ChannelChange> {
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
          .set({ role, can_speak: canSpeak ? 1 : 0 })
          .where("channel_id", "=", channelId)
          .where("user_id", "=", userId)
          .execute();
      } else {
        await trx
          .insertInto("channel_members")
          .values({
            channel_id: channelId,
            user_id: userId,
            role,
            can_speak: canSpeak ? 1 : 0,
            joined_at: Date.now(),
          })
          .execute();
      }
      return "ok";
    });
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
