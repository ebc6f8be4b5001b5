/**
 * An alert's audit trail for its event's staff, and the receipts that make "who received it on
 * which device, when" part of it: a staff client reports each alert it shows, once per device.
 */
import type { AlertAudit, AlertReceivedBody } from "@won/protocol";
import type { Core } from "../core.js";
import { AppError } from "../domain/errors.js";
import { mayAuditAlert } from "../domain/policy.js";
import { presentUser } from "../presenters/index.js";
import { type AnnounceDeps, announceAlert, presentOneAlert } from "./alert-delivery.js";
import { visibleAlert } from "./alerts.js";

type Deps = Pick<Core, "repos">;
type ReceiptDeps = AnnounceDeps;

async function staffAlert(ctx: Deps, userId: string, alertId: string) {
  const { row, actor } = await visibleAlert(ctx, alertId, userId);
  const d = mayAuditAlert(actor);
  if (!d.ok) throw new AppError(d.code, d.message);
  return row;
}

export async function alertAudit(ctx: Deps, userId: string, alertId: string): Promise<AlertAudit> {
  await staffAlert(ctx, userId, alertId);
  const rows = await ctx.repos.alerts.trail(alertId);
  const actorIds = rows.map((r) => r.actor_id).filter((id) => id !== null);
  const users = new Map((await ctx.repos.users.findMany(actorIds)).map((u) => [u.id, presentUser(u)]));
  return {
    entries: rows.map((r) => ({
      at: new Date(r.at).toISOString(),
      actor: (r.actor_id && users.get(r.actor_id)) || null,
      action: r.action,
      detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    })),
  };
}

/** Records that the alert is on screen on one of the staff member's devices; once per device. */
export async function markAlertReceived(
  ctx: ReceiptDeps,
  userId: string,
  alertId: string,
  body: AlertReceivedBody,
  now = Date.now(),
): Promise<void> {
  const row = await staffAlert(ctx, userId, alertId);
  const device = body?.device ?? "unnamed device";
  const devices = await ctx.repos.alerts.receiptDevices(alertId, userId);
  if (devices.includes(device)) return;
  const firstOfUser = devices.length === 0;
  await ctx.repos.alerts.audit(alertId, now, { actorId: userId, action: "received", detail: { device } });
  // One more person has it on screen: the raiser's "received by N" moves.
  if (firstOfUser && row.state !== "closed")
    await announceAlert(ctx, "updated", await presentOneAlert(ctx, row));
}
