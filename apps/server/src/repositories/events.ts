import { type Kysely, sql, type Transaction } from "kysely";
import type { Dialect } from "../db/database.js";
import { isUniqueViolation } from "../db/errors.js";
import type { DB, EventMembersTable, EventRow } from "../db/schema.js";

export type EventRole = EventMembersTable["role"];
export interface EventWithRole extends EventRow {
  my_role: EventRole;
  member_count: number;
}
export interface EventMemberRow {
  user_id: string;
  role: EventRole;
  joined_at: number;
}

/** Outcome of a membership change that must keep an organiser. */
export type GuardedChange = "ok" | "not_member" | "last_organiser";

export class EventsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Locks the event row until the transaction ends, serialising membership changes of one event
   * (MySQL `FOR UPDATE`; SQLite runs one transaction at a time anyway). Returns whether it exists.
   */
  private async lockEvent(
    trx: Transaction<DB>,
    eventId: string,
    mode: "update" | "share" = "update",
  ): Promise<boolean> {
    let q = trx.selectFrom("events").select("id").where("id", "=", eventId);
    // MariaDB has no FOR SHARE; LOCK IN SHARE MODE works on both.
    if (this.dialect === "mysql")
      q = mode === "update" ? q.forUpdate() : q.modifyEnd(sql`lock in share mode`);
    return (await q.executeTakeFirst()) !== undefined;
  }

  /** The organisers left if `userId` stopped being one; read under the event's lock. */
  private async organisersWithout(trx: Transaction<DB>, eventId: string, userId: string): Promise<number> {
    const r = await trx
      .selectFrom("event_members")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("event_id", "=", eventId)
      .where("role", "=", "organiser")
      .where("user_id", "!=", userId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async create(row: EventRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("events").values(row).execute();
      await trx
        .insertInto("event_members")
        .values({ event_id: row.id, user_id: row.created_by, role: "organiser", joined_at: row.created_at })
        .execute();
    });
  }

  findById(id: string): Promise<EventRow | undefined> {
    return this.db.selectFrom("events").selectAll().where("id", "=", id).executeTakeFirst();
  }

  findByInviteCode(code: string): Promise<EventRow | undefined> {
    return this.db.selectFrom("events").selectAll().where("invite_code", "=", code).executeTakeFirst();
  }

  roleOf(eventId: string, userId: string): Promise<EventRole | null> {
    return this.roleIn(this.db, eventId, userId);
  }

  async memberCount(eventId: string): Promise<number> {
    const r = await this.db
      .selectFrom("event_members")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("event_id", "=", eventId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Events the user belongs to, newest first, with their role and member count. */
  async listForUser(userId: string): Promise<EventWithRole[]> {
    const rows = await this.db
      .selectFrom("events as e")
      .innerJoin("event_members as m", "m.event_id", "e.id")
      .selectAll("e")
      .select("m.role as my_role")
      .select((eb) =>
        eb
          .selectFrom("event_members as c")
          .select((eb2) => eb2.fn.countAll<number>().as("n"))
          .whereRef("c.event_id", "=", "e.id")
          .as("member_count"),
      )
      .where("m.user_id", "=", userId)
      .orderBy("e.created_at", "desc")
      .execute();
    return rows.map((r) => ({ ...r, member_count: Number(r.member_count) }));
  }

  async update(
    id: string,
    patch: Partial<Pick<EventRow, "name" | "description" | "starts_at" | "ends_at" | "invite_code">>,
  ): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable("events").set(patch).where("id", "=", id).execute();
  }

  /** Deletes the event; its members, channels and their messages go with it (FK cascades). */
  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // Parents before children, in the order other writers take them (membership changes lock
      // the event; a message append locks its channel), so they queue instead of deadlocking.
      await this.lockEvent(trx, id);
      let channels = trx.selectFrom("channels").select("id").where("event_id", "=", id);
      if (this.dialect === "mysql") channels = channels.forUpdate();
      // Deleted explicitly for SQLite files created without foreign_keys, and in FK order.
      const channelIds = (await channels.execute()).map((c) => c.id);
      const alertIds = trx.selectFrom("alerts").select("id").where("event_id", "=", id);
      await trx.deleteFrom("alert_recordings").where("alert_id", "in", alertIds).execute();
      await trx.deleteFrom("alert_audit").where("alert_id", "in", alertIds).execute();
      await trx.deleteFrom("alerts").where("event_id", "=", id).execute();
      const patchIds = trx.selectFrom("patches").select("id").where("event_id", "=", id);
      await trx.deleteFrom("patch_channels").where("patch_id", "in", patchIds).execute();
      await trx.deleteFrom("patches").where("event_id", "=", id).execute();
      await trx.deleteFrom("password_reset_codes").where("event_id", "=", id).execute();
      if (channelIds.length > 0) {
        const messageIds = trx.selectFrom("messages").select("id").where("channel_id", "in", channelIds);
        await trx.deleteFrom("message_acks").where("message_id", "in", messageIds).execute();
        await trx.deleteFrom("messages").where("channel_id", "in", channelIds).execute();
        await trx.deleteFrom("recordings").where("channel_id", "in", channelIds).execute();
        await trx.deleteFrom("channel_members").where("channel_id", "in", channelIds).execute();
        await trx.deleteFrom("channel_restrictions").where("channel_id", "in", channelIds).execute();
        await trx.deleteFrom("channels").where("id", "in", channelIds).execute();
      }
      await trx.deleteFrom("event_members").where("event_id", "=", id).execute();
      await trx.deleteFrom("events").where("id", "=", id).execute();
    });
  }

  members(eventId: string): Promise<EventMemberRow[]> {
    return this.db
      .selectFrom("event_members")
      .select(["user_id", "role", "joined_at"])
      .where("event_id", "=", eventId)
      .orderBy("joined_at")
      .execute();
  }

  /** Adds a member unless already one (or the event is gone); returns whether they were added. */
  async addMember(eventId: string, userId: string, role: EventRole): Promise<boolean> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        // A shared lock on the event: joins run side by side, a concurrent delete waits for them
        // (or they for it, and find it gone) instead of deadlocking on the foreign key.
        if (!(await this.lockEvent(trx, eventId, "share"))) return false;
        const existing = await trx
          .selectFrom("event_members")
          .select("role")
          .where("event_id", "=", eventId)
          .where("user_id", "=", userId)
          .executeTakeFirst();
        if (existing) return false;
        await trx
          .insertInto("event_members")
          .values({ event_id: eventId, user_id: userId, role, joined_at: Date.now() })
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
   * Changes a member's role, unless that would leave the event without an organiser. Atomic: of
   * two organisers stepping down at once, one is refused. Every channel role of the member in
   * this event is re-derived from the new role: per-channel raises are dropped with it, so a
   * demotion leaves no power behind (listen-only restrictions stay: they are not roles).
   */
  async setRole(eventId: string, userId: string, role: EventRole): Promise<GuardedChange> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockEvent(trx, eventId))) return "not_member";
      const current = await this.roleIn(trx, eventId, userId);
      if (!current) return "not_member";
      if (
        current === "organiser" &&
        role !== "organiser" &&
        (await this.organisersWithout(trx, eventId, userId)) === 0
      )
        return "last_organiser";
      await trx
        .updateTable("event_members")
        .set({ role })
        .where("event_id", "=", eventId)
        .where("user_id", "=", userId)
        .execute();
      if (role !== current) {
        await trx
          .updateTable("channel_members")
          .set({ role: "member" })
          .where("user_id", "=", userId)
          .where("channel_id", "in", trx.selectFrom("channels").select("id").where("event_id", "=", eventId))
          .execute();
      }
      return "ok";
    });
  }

  /**
   * Removes a member and their per-channel rows, unless they are the last organiser. Listen-only
   * restrictions stay, so leaving and rejoining does not lift one.
   */
  async removeMember(eventId: string, userId: string): Promise<GuardedChange> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockEvent(trx, eventId))) return "not_member";
      const current = await this.roleIn(trx, eventId, userId);
      if (!current) return "not_member";
      if (current === "organiser" && (await this.organisersWithout(trx, eventId, userId)) === 0)
        return "last_organiser";
      await trx
        .deleteFrom("event_members")
        .where("event_id", "=", eventId)
        .where("user_id", "=", userId)
        .execute();
      // Per-channel overrides of a member who left the event go too.
      const channelIds = trx.selectFrom("channels").select("id").where("event_id", "=", eventId);
      await trx
        .deleteFrom("channel_members")
        .where("user_id", "=", userId)
        .where("channel_id", "in", channelIds)
        .execute();
      return "ok";
    });
  }

  private async roleIn(trx: Kysely<DB>, eventId: string, userId: string): Promise<EventRole | null> {
    const row = await trx
      .selectFrom("event_members")
      .select("role")
      .where("event_id", "=", eventId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  async organiserCount(eventId: string): Promise<number> {
    const r = await this.db
      .selectFrom("event_members")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("event_id", "=", eventId)
      .where("role", "=", "organiser")
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
