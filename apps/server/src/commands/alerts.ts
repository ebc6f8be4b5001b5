/**
 * Emergency alerts: raising, listing, reading, claiming, resolving and locating. Rules come from
 * the policy module (`mayViewAlert`, `mayClaimAlert`, …); every state change is audited by the
 * repository in its transaction and announced afterwards (commands/alert-delivery.ts).
 *
 * An alert the caller may not see is 404 whether it exists or not, so ids do not leak; the
 * event-scoped routes answer like other event routes (404 no event, 403 `not_a_member`).
 */
import { randomUUID } from "node:crypto";
import type {
  Alert,
  AlertList,
  AlertListQuery,
  AlertLocation,
  ClaimAlertBody,
  RaiseAlertBody,
  ResolveAlertBody,
} from "@won/protocol";
import type { Core } from "../core.js";
import type { AlertRow } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import {
  type AlertActor,
  type Decision,
  eventAbilities,
  mayClaimAlert,
  mayResolveAlert,
  mayUpdateAlertLocation,
  mayViewAlert,
} from "../domain/policy.js";
import type { AlertChange } from "../repositories/alerts.js";
import { eventAccess } from "./access.js";
import { announceAlert, presentAlerts, presentOneAlert } from "./alert-delivery.js";
import { enforceRate } from "./rate-limit.js";

export type AlertDeps = Pick<Core, "repos" | "live" | "push" | "engines" | "config">;

const standing = (a: AlertRow) => ({ raisedBy: a.raised_by, state: a.state });

/** The alert and the caller's standing in its event; 404 unless the caller may see it. */
export async function visibleAlert(
  ctx: Pick<Core, "repos">,
  alertId: string,
  userId: string,
): Promise<{ row: AlertRow; actor: AlertActor }> {
  const row = await ctx.repos.alerts.findById(alertId);
  const actor: AlertActor = {
    userId,
    role: row ? await ctx.repos.events.roleOf(row.event_id, userId) : null,
  };
  if (!row || !mayViewAlert(actor, standing(row))) throw new AppError("not_found", "No such alert");
  return { row, actor };
}

const refuse = (d: Decision) => {
  if (!d.ok) throw new AppError(d.code, d.message);
};

/**
 * Raises an alert, or returns the caller's alert not closed in this event (`created: false`,
 * not counted against the rate). `channelId` must be a channel of the event.
 */
export async function raiseAlert(
  ctx: AlertDeps,
  userId: string,
  eventId: string,
  body: RaiseAlertBody,
): Promise<{ alert: Alert; created: boolean }> {
  await eventAccess(ctx, eventId, userId);
  const existing = await ctx.repos.alerts.page(eventId, { raisedBy: userId, openOnly: true, limit: 1 });
  if (existing.rows[0]) return { alert: await presentOneAlert(ctx, existing.rows[0]), created: false };
  if (body?.channelId) {
    const channel = await ctx.repos.channels.findById(body.channelId);
    if (channel?.event_id !== eventId) throw new AppError("not_found", "No such channel in this event");
  }
  await enforceRate(ctx, `alerts:user:${userId}`, ctx.config.rates.alertsPerUser, "alerts");
  const now = Date.now();
  const loc = body?.location;
  const { alert: row, created } = await ctx.repos.alerts.raise({
    id: randomUUID(),
    event_id: eventId,
    channel_id: body?.channelId ?? null,
    raised_by: userId,
    state: "open",
    outcome: null,
    note: body?.note || null,
    lat: loc?.lat ?? null,
    lon: loc?.lon ?? null,
    accuracy_m: loc?.accuracyM ?? null,
    location_at: loc ? now : null,
    claimed_by: null,
    claimed_at: null,
    closed_by: null,
    closed_at: null,
    escalations: 0,
    next_escalation_at: now + ctx.config.alerts.escalateMs,
    created_at: now,
  });
  const alert = await presentOneAlert(ctx, row);
  if (created) await announceAlert(ctx, "raised", alert);
  return { alert, created };
}

/** A page of an event's alerts, newest first: staff see all, others their own. */
export async function listAlerts(
  ctx: Pick<Core, "repos">,
  userId: string,
  eventId: string,
  q: AlertListQuery,
): Promise<AlertList> {
  const { role } = await eventAccess(ctx, eventId, userId);
  const { rows, hasMore } = await ctx.repos.alerts.page(eventId, {
    raisedBy: eventAbilities(role).handleAlerts ? undefined : userId,
    openOnly: q.state === "open",
    before: q.before ? Date.parse(q.before) : undefined,
    limit: q.limit,
  });
  return { alerts: await presentAlerts(ctx, rows), hasMore };
}

export async function getAlert(ctx: Pick<Core, "repos">, userId: string, alertId: string): Promise<Alert> {
  return presentOneAlert(ctx, (await visibleAlert(ctx, alertId, userId)).row);
}

type Refusal = "already_claimed" | "already_closed";

/** Runs a change on the locked row, maps refusals to errors, announces a real change. */
async function changeAlert(
  ctx: AlertDeps,
  alertId: string,
  now: number,
  decide: (row: AlertRow) => AlertChange<Refusal>,
): Promise<Alert> {
  const r = await ctx.repos.alerts.change(alertId, now, decide);
  if (!r.ok) {
    if (r.refusal === "gone") throw new AppError("not_found", "No such alert");
    throw new AppError(r.refusal);
  }
  const alert = await presentOneAlert(ctx, r.alert);
  if (r.changed) await announceAlert(ctx, "updated", alert);
  return alert;
}

/**
 * Staff take charge of an alert. Claiming one another staff member holds is 409
 * `already_claimed` unless `takeOver` (audited as `taken_over`); claiming one's own again
 * changes nothing.
 */
export async function claimAlert(
  ctx: AlertDeps,
  userId: string,
  alertId: string,
  body: ClaimAlertBody,
): Promise<Alert> {
  const { actor } = await visibleAlert(ctx, alertId, userId);
  refuse(mayClaimAlert(actor));
  const now = Date.now();
  return changeAlert(ctx, alertId, now, (row) => {
    if (row.state === "closed") return { refuse: "already_closed" };
    if (row.state === "claimed" && row.claimed_by === userId) return { unchanged: true };
    const takingOver = row.state === "claimed";
    if (takingOver && !body?.takeOver) return { refuse: "already_claimed" };
    return {
      patch: { state: "claimed", claimed_by: userId, claimed_at: now },
      audit: {
        actorId: userId,
        action: takingOver ? "taken_over" : "claimed",
        detail: takingOver ? { from: row.claimed_by } : undefined,
      },
    };
  });
}

/** Closes an alert: staff with any outcome, its raiser only as `false_alarm`. */
export async function resolveAlert(
  ctx: AlertDeps,
  userId: string,
  alertId: string,
  body: ResolveAlertBody,
): Promise<Alert> {
  const { row, actor } = await visibleAlert(ctx, alertId, userId);
  refuse(mayResolveAlert(actor, standing(row), body.outcome));
  const now = Date.now();
  return changeAlert(ctx, alertId, now, (r) =>
    r.state === "closed"
      ? { refuse: "already_closed" }
      : {
          patch: { state: "closed", outcome: body.outcome, closed_by: userId, closed_at: now },
          audit: {
            actorId: userId,
            action: body.outcome,
            detail: body.note ? { note: body.note } : undefined,
          },
        },
  );
}

/**
 * The raiser reports where they are. At most one report per alert every 2 s is taken; more are
 * refused with 429 and Retry-After (the client keeps its latest fix and sends it then), so a
 * chatty GPS cannot flood staff sockets or the audit trail.
 */
export async function updateAlertLocation(
  ctx: AlertDeps,
  userId: string,
  alertId: string,
  loc: AlertLocation,
): Promise<void> {
  const { row, actor } = await visibleAlert(ctx, alertId, userId);
  const d = mayUpdateAlertLocation(actor, standing(row));
  if (!d.ok) throw new AppError(d.code === "conflict" ? "already_closed" : d.code, d.message);
  await enforceRate(ctx, `alert-location:${alertId}`, ctx.config.rates.alertLocation, "location reports");
  const now = Date.now();
  await changeAlert(ctx, alertId, now, (r) =>
    r.state === "closed"
      ? { refuse: "already_closed" }
      : {
          patch: { lat: loc.lat, lon: loc.lon, accuracy_m: loc.accuracyM, location_at: now },
          audit: { actorId: userId, action: "location", detail: { ...loc } },
        },
  );
}
