/**
 * Presenting alerts and telling the people they concern: every organiser and moderator of the
 * alert's event, and its raiser, on every open socket (per-user delivery), once committed.
 */
import type { Alert, PushPayload } from "@won/protocol";
import type { Core } from "../core.js";
import type { AlertRow } from "../db/schema.js";
import { presentAlert } from "../presenters/index.js";

/** Turns rows into contract alerts: the people they name, their recordings and receipts, in three queries. */
export async function presentAlerts(ctx: Pick<Core, "repos">, rows: readonly AlertRow[]): Promise<Alert[]> {
  const ids = rows.flatMap((r) => [r.raised_by, r.claimed_by, r.closed_by]).filter((id) => id !== null);
  const [users, recordings, receipts] = await Promise.all([
    ctx.repos.users.findMany(ids),
    ctx.repos.alerts.recordingsOf(rows.map((r) => r.id)),
    ctx.repos.alerts.receiptCounts(rows.map((r) => r.id)),
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
        receipts.get(r.id) ?? 0,
      ),
    ];
  });
}

export async function presentOneAlert(ctx: Pick<Core, "repos">, row: AlertRow): Promise<Alert> {
  const [alert] = await presentAlerts(ctx, [row]);
  if (!alert) throw new Error(`alert ${row.id} names a user that no longer exists`);
  return alert;
}

export type AnnounceDeps = Pick<Core, "repos" | "live" | "push">;

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
  if (kind === "raised") pushAlert(ctx, alert, staff, "alert.raised");
  if (kind === "raised")
    await ctx.repos.alerts.audit(alert.id, Date.now(), {
      actorId: null,
      action: "delivered",
      detail: { recipients: recipients.length },
    });
}

/**
 * Wakes the staff who have no socket in view (the raiser knows): a new alert, or one escalated
 * because nobody claimed it. One notification per alert on each device (`tag`), replaced by the
 * next escalation.
 */
export function pushAlert(
  ctx: Pick<Core, "push">,
  alert: Alert,
  staff: readonly string[],
  type: "alert.raised" | "alert.escalated",
): void {
  const who = alert.raisedBy.displayName;
  const payload: PushPayload = {
    type,
    title: type === "alert.raised" ? `SOS — ${who}` : `SOS still unclaimed — ${who}`,
    body: [alert.note, alert.location ? "Location shared" : "No location", "Tap to respond"]
      .filter(Boolean)
      .join(" · "),
    url: `/events/${alert.eventId}`,
    tag: `alert-${alert.id}`,
    alertId: alert.id,
    eventId: alert.eventId,
    ...(alert.channelId ? { channelId: alert.channelId } : {}),
  };
  ctx.push.notify(
    staff.filter((id) => id !== alert.raisedBy.id),
    payload,
  );
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
