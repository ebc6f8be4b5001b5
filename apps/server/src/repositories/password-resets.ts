import { type Kysely, sql, type Transaction } from "kysely";
import type { Dialect } from "../db/database.js";
import type { DB, PasswordResetCodeRow } from "../db/schema.js";
import type { AccountStanding } from "../domain/policy.js";

/** What redeeming decides from, read in the redeeming transaction. */
export interface RedeemCheck {
  row: PasswordResetCodeRow;
  /** The target's account as it stands now. */
  account: AccountStanding;
  /** The events the issuer organises now. */
  issuerOrganises: ReadonlySet<string>;
}

/** `redeem`: the code is good and is used up; `void`: it is used up unused; `keep`: left as is. */
export type RedeemVerdict = "redeem" | "void" | "keep";

/**
 * One-time password reset codes (at most one per user) and the account standings the reset rule
 * is decided from. Codes are stored as SHA-256 hashes only.
 */
export class PasswordResetsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /** Stores a code for `row.user_id`, replacing any earlier one (used or not) in one step. */
  async issue(row: PasswordResetCodeRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("password_reset_codes").where("user_id", "=", row.user_id).execute();
      await trx.insertInto("password_reset_codes").values(row).execute();
    });
  }

  find(userId: string): Promise<PasswordResetCodeRow | undefined> {
    return this.db
      .selectFrom("password_reset_codes")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirst();
  }

  /** Moves a code's expiry (tests, and an operator voiding codes by hand). */
  async setExpiry(userId: string, expiresAt: number): Promise<void> {
    await this.db
      .updateTable("password_reset_codes")
      .set({ expires_at: expiresAt })
      .where("user_id", "=", userId)
      .execute();
  }

  /**
   * Redeems `userId`'s code in one transaction: the row is locked (MySQL; SQLite runs one
   * transaction at a time) and `decide` sees it with the account and the issuer as they stand now
   * (their membership rows share-locked, so a concurrent role change waits or is seen). `redeem`
   * and `void` delete the row (so of two concurrent redeems one finds none), `keep` leaves it.
   * Resolves to the verdict, or `keep` when there is no row.
   */
  async redeem(userId: string, decide: (check: RedeemCheck) => RedeemVerdict): Promise<RedeemVerdict> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom("password_reset_codes").selectAll().where("user_id", "=", userId);
      if (this.dialect === "mysql") q = q.forUpdate();
      const row = await q.executeTakeFirst();
      if (!row) return "keep";
      const verdict = decide({
        row,
        account: (await this.standings(trx, [userId])).get(userId)!,
        issuerOrganises: await this.organisedByIn(trx, row.issued_by, true),
      });
      if (verdict !== "keep")
        await trx.deleteFrom("password_reset_codes").where("user_id", "=", userId).execute();
      return verdict;
    });
  }

  /** The events `userId` organises. */
  organisedBy(userId: string): Promise<ReadonlySet<string>> {
    return this.organisedByIn(this.db, userId, false);
  }

  /** Each user's {@link AccountStanding}; users who belong to nothing get empty lists. */
  accountStandings(userIds: readonly string[]): Promise<Map<string, AccountStanding>> {
    return this.standings(this.db, userIds);
  }

  /** Deletes expired codes. */
  async purgeExpired(now = Date.now()): Promise<number> {
    const r = await this.db
      .deleteFrom("password_reset_codes")
      .where("expires_at", "<=", now)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  private async organisedByIn(db: Kysely<DB> | Transaction<DB>, userId: string, lock: boolean) {
    let q = db
      .selectFrom("event_members")
      .select("event_id")
      .where("user_id", "=", userId)
      .where("role", "=", "organiser");
    if (lock && this.dialect === "mysql") q = q.modifyEnd(sql`lock in share mode`);
    return new Set((await q.execute()).map((r) => r.event_id));
  }

  private async standings(
    db: Kysely<DB> | Transaction<DB>,
    userIds: readonly string[],
  ): Promise<Map<string, AccountStanding>> {
    const out = new Map<string, AccountStanding>();
    if (userIds.length === 0) return out;
    const events: Record<string, AccountStanding["events"][number][]> = {};
    const channels: Record<string, AccountStanding["channels"][number][]> = {};
    for (const id of userIds) {
      events[id] = [];
      channels[id] = [];
    }
    let em = db
      .selectFrom("event_members")
      .select(["user_id", "event_id", "role"])
      .where("user_id", "in", userIds);
    if (this.dialect === "mysql" && db.isTransaction) em = em.modifyEnd(sql`lock in share mode`);
    for (const r of await em.execute()) events[r.user_id]!.push({ eventId: r.event_id, role: r.role });
    const cm = await db
      .selectFrom("channel_members as m")
      .innerJoin("channels as c", "c.id", "m.channel_id")
      .select(["m.user_id", "c.event_id", "m.role"])
      .where("m.user_id", "in", userIds)
      .where("c.kind", "=", "group")
      .execute();
    for (const r of cm) channels[r.user_id]!.push({ eventId: r.event_id, role: r.role });
    for (const id of userIds) out.set(id, { userId: id, events: events[id]!, channels: channels[id]! });
    return out;
  }
}
