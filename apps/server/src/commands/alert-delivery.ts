/**
 * Presenting alerts and telling the people they concern: every organiser and moderator of the
 * alert's event, and its raiser, on every open socket (per-user delivery), once committed.
 */
import type { Alert } from "@won/protocol";
import type { Core } from "../core.js";
import type { AlertRow } from "../db/schema.js";
import { presentAlert } from "../presenters/index.js";

/** Turns rows into contract alerts: the people they name and their recordings, in two queries. */
export async function presentAlerts(ctx: Pick<Core, "repos">, rows: readonly AlertRow[]): Promise<Alert[]> {
  const ids = rows.flatMap((r) => [r.raised_by, r.claimed_by, r.closed_by]).filter((id) => id !== null);
  const [users, recordings] = await Promise.all([
    ctx.repos.users.findMany(ids),
    ctx.repos.alerts.recordingsOf(rows.map((r) => r.id)),
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  return rows.flatMap((r) => {
    const raiser = userById.get(r.raised_by);
    if (!raiser) return [];
    return [
      presentAlert(
        r,
        raiser,
        userById,
        recordings.filter((m) => m.alert_id === r.id),
      ),
    ];
  });
}

export async function presentOneAlert(ctx: Pick<Core, "repos">, row: AlertRow): Promise<Alert> {
  const [alert] = await presentAlerts(ctx, [row]);
  if (!alert) throw new Error(`alert ${row.id} names a user that no longer exists`);
  return alert;
}

export type AnnounceDeps = Pick<Core, "repos" | "live">;

/**
 * Publishes `alert.raised` / `alert.updated` to the event's staff and the raiser. Callers
 * publish after their change committed; a `raised` alert's delivery is audited (`delivered`,
 * with how many users it was sent to).
 */
export async function announceAlert(
  ctx: AnnounceDeps,
  kind: "raised" | "updated",
  alert: Alert,
): Promise<void> {
  const staff = await ctx.repos.alerts.staffOf(alert.eventId);
  const recipients = [...new Set([...staff, alert.raisedBy.id])];
  await ctx.live.alertChanged(kind, alert, recipients);
  if (kind === "raised")
    await ctx.repos.alerts.audit(alert.id, Date.now(), {
      actorId: null,
      action: "delivered",
      detail: { recipients: recipients.length },
    });
}

/** Every alert not closed that the user may see (for `ready.openAlerts`). */
export async function openAlertsFor(ctx: Pick<Core, "repos">, userId: string): Promise<Alert[]> {
  return presentAlerts(ctx, await ctx.repos.alerts.visibleOpen(userId));
}

/** Attaches a hot-mic recording to its alert, audits it and announces the alert. */
export async function attachAlertRecording(
  ctx: AnnounceDeps,
  alertId: string,
  recordingId: string,
  speakerId: string,
): Promise<void> {
  await ctx.repos.alerts.attachRecording(alertId, recordingId, speakerId, Date.now());
  const row = await ctx.repos.alerts.findById(alertId);
  if (row) await announceAlert(ctx, "updated", await presentOneAlert(ctx, row));
}
