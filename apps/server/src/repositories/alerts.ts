import { randomUUID } from "node:crypto";
import type { Kysely, Transaction, Updateable } from "kysely";
import type { Dialect } from "../db/database.js";
import type { AlertAction, AlertRow, AlertsTable, DB } from "../db/schema.js";

/** One audit entry: who did what to an alert; `detail` is stored as JSON. */
export interface AlertAuditEntry {
  actorId: string | null;
  action: AlertAction;
  detail?: Record<string, unknown>;
}

/** What a state change decides from the row as it is, under its lock. */
export type AlertChange<E> =
  | { patch: Updateable<AlertsTable>; audit: AlertAuditEntry }
  | { refuse: E }
  /** Nothing to change, nothing to record (e.g. the same claimer claims again). */
  | { unchanged: true };

export type AlertChangeResult<E> =
  | { ok: true; alert: AlertRow; changed: boolean }
  | { ok: false; refusal: E }
  | { ok: false; refusal: "gone" };

export interface AlertPageQuery {
  /** Only this raiser's alerts (non-staff callers). */
  raisedBy?: string;
  openOnly: boolean;
  /** Created strictly before this time (ms). */
  before?: number;
  limit: number;
}

/** An alert's recordings as the presenter needs them. */
export interface AlertRecordingMeta {
  alert_id: string;
  id: string;
  duration_ms: number;
}

/**
 * Alerts, their audit trail and their recordings. Every state change runs in one transaction
 * that locks the row (MySQL; SQLite serialises writers), decides from the locked row, updates
 * it and appends the audit entry, so the trail never disagrees with the row.
 */
export class AlertsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  findById(id: string): Promise<AlertRow | undefined> {
    return this.db.selectFrom("alerts").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /**
   * Stores a new alert unless its raiser already has one not closed in the event, which is
   * returned instead (`created: false`). Raises of one event serialise on the event row.
   */
  async raise(row: AlertRow): Promise<{ alert: AlertRow; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      let lock = trx.selectFrom("events").select("id").where("id", "=", row.event_id);
      if (this.dialect === "mysql") lock = lock.forUpdate();
      await lock.execute();
      const existing = await trx
        .selectFrom("alerts")
        .selectAll()
        .where("event_id", "=", row.event_id)
        .where("raised_by", "=", row.raised_by)
        .where("state", "!=", "closed")
        .executeTakeFirst();
      if (existing) return { alert: existing, created: false };
      await trx.insertInto("alerts").values(row).execute();
      await this.appendAudit(trx, row.id, row.created_at, { actorId: row.raised_by, action: "raised" });
      return { alert: row, created: true };
    });
  }

  /** Applies what `decide` makes of the locked row; "gone" when there is no such alert. */
  async change<E>(id: string, now: number, decide: (row: AlertRow) => AlertChange<E>) {
    return this.db.transaction().execute(async (trx): Promise<AlertChangeResult<E>> => {
      let q = trx.selectFrom("alerts").selectAll().where("id", "=", id);
      if (this.dialect === "mysql") q = q.forUpdate();
      const row = await q.executeTakeFirst();
      if (!row) return { ok: false, refusal: "gone" };
      const d = decide(row);
      if ("refuse" in d) return { ok: false, refusal: d.refuse };
      if ("unchanged" in d) return { ok: true, alert: row, changed: false };
      await trx.updateTable("alerts").set(d.patch).where("id", "=", id).execute();
      await this.appendAudit(trx, id, now, d.audit);
      return { ok: true, alert: { ...row, ...d.patch } as AlertRow, changed: true };
    });
  }

  /** A page of an event's alerts, newest first; one extra row tells whether there are more. */
  async page(eventId: string, q: AlertPageQuery): Promise<{ rows: AlertRow[]; hasMore: boolean }> {
    let query = this.db.selectFrom("alerts").selectAll().where("event_id", "=", eventId);
    if (q.raisedBy) query = query.where("raised_by", "=", q.raisedBy);
    if (q.openOnly) query = query.where("state", "!=", "closed");
    if (q.before !== undefined) query = query.where("created_at", "<", q.before);
    const rows = await query
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(q.limit + 1)
      .execute();
    return { rows: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
  }

  /** Every alert not closed that the user may see: in events they are staff of, or their own. */
  visibleOpen(userId: string): Promise<AlertRow[]> {
    return this.db
      .selectFrom("alerts as a")
      .innerJoin("event_members as em", (j) =>
        j.onRef("em.event_id", "=", "a.event_id").on("em.user_id", "=", userId),
      )
      .selectAll("a")
      .where("a.state", "!=", "closed")
      .where((eb) => eb.or([eb("em.role", "in", ["organiser", "moderator"]), eb("a.raised_by", "=", userId)]))
      .orderBy("a.created_at")
      .execute();
  }

  /** The staff of an event: who hears about its alerts. */
  async staffOf(eventId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("event_members")
      .select("user_id")
      .where("event_id", "=", eventId)
      .where("role", "in", ["organiser", "moderator"])
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Open alerts whose escalation is due at `now`, as candidates for {@link claimEscalation}. */
  due(now: number, limit = 100): Promise<Pick<AlertRow, "id" | "next_escalation_at">[]> {
    return this.db
      .selectFrom("alerts")
      .select(["id", "next_escalation_at"])
      .where("state", "=", "open")
      .where("next_escalation_at", "<=", now)
      .limit(limit)
      .execute();
  }

  /**
   * Claims one escalation of an alert atomically: a compare-and-set on `next_escalation_at`, so
   * of several instances seeing the same due alert exactly one UPDATE matches. The next one is a
   * period later (or a period from now, when the job fell behind, so it never fires in bursts).
   */
  async claimEscalation(
    candidate: Pick<AlertRow, "id" | "next_escalation_at">,
    now: number,
    periodMs: number,
  ): Promise<AlertRow | undefined> {
    const due = Number(candidate.next_escalation_at);
    const next = due + periodMs > now ? due + periodMs : now + periodMs;
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable("alerts")
        .set((eb) => ({ escalations: eb("escalations", "+", 1), next_escalation_at: next }))
        .where("id", "=", candidate.id)
        .where("state", "=", "open")
        .where("next_escalation_at", "=", due)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return undefined;
      const row = await trx
        .selectFrom("alerts")
        .selectAll()
        .where("id", "=", candidate.id)
        .executeTakeFirst();
      if (row) await this.appendAudit(trx, row.id, now, { actorId: null, action: "escalated" });
      return row;
    });
  }

  /** Attaches a stored recording to an alert, with its audit entry. */
  async attachRecording(alertId: string, recordingId: string, actorId: string, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("alert_recordings")
        .values({ alert_id: alertId, recording_id: recordingId })
        .execute();
      await this.appendAudit(trx, alertId, now, { actorId, action: "recording", detail: { recordingId } });
    });
  }

  /** Appends an audit entry outside a state change (e.g. `delivered`). */
  async audit(alertId: string, now: number, entry: AlertAuditEntry): Promise<void> {
    await this.appendAudit(this.db, alertId, now, entry);
  }

  /** How many distinct staff members had each alert on screen. */
  async receiptCounts(alertIds: readonly string[]): Promise<Map<string, number>> {
    if (alertIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("alert_audit")
      .select(["alert_id", (eb) => eb.fn.count<number>("actor_id").distinct().as("n")])
      .where("alert_id", "in", [...new Set(alertIds)])
      .where("action", "=", "received")
      .groupBy("alert_id")
      .execute();
    return new Map(rows.map((r) => [r.alert_id, Number(r.n)]));
  }

  /** The devices on which the user reported the alert as shown, in one read. */
  async receiptDevices(alertId: string, actorId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("alert_audit")
      .select("detail")
      .where("alert_id", "=", alertId)
      .where("actor_id", "=", actorId)
      .where("action", "=", "received")
      .execute();
    return rows.map((r) => (r.detail ? String((JSON.parse(r.detail) as { device?: unknown }).device) : ""));
  }

  /** The audit trail of an alert, oldest first. */
  trail(alertId: string) {
    return this.db
      .selectFrom("alert_audit")
      .selectAll()
      .where("alert_id", "=", alertId)
      .orderBy("at")
      .execute();
  }

  async recordingsOf(alertIds: readonly string[]): Promise<AlertRecordingMeta[]> {
    if (alertIds.length === 0) return [];
    return this.db
      .selectFrom("alert_recordings as ar")
      .innerJoin("recordings as r", "r.id", "ar.recording_id")
      .select(["ar.alert_id", "r.id", "r.duration_ms"])
      .where("ar.alert_id", "in", [...new Set(alertIds)])
      .orderBy("r.created_at")
      .execute();
  }

  private async appendAudit(
    db: Kysely<DB> | Transaction<DB>,
    alertId: string,
    at: number,
    e: AlertAuditEntry,
  ): Promise<void> {
    await db
      .insertInto("alert_audit")
      .values({
        id: randomUUID(),
        alert_id: alertId,
        at,
        actor_id: e.actorId,
        action: e.action,
        detail: e.detail ? JSON.stringify(e.detail) : null,
      })
      .execute();
  }
}
