/**
 * Escalation of unclaimed alerts, run by every instance once a second. An alert still `open`
 * `ALERT_ESCALATE_S` after it was raised (and again every `ALERT_ESCALATE_S`) is re-announced as
 * `alert.updated` with `escalations` + 1.
 *
 * Instances do not coordinate: each one claims due alerts with a compare-and-set UPDATE on
 * `next_escalation_at` (`AlertsRepo.claimEscalation`), so for each period exactly one UPDATE
 * matches and only its instance announces. A missed tick is caught up on the next one.
 */

import { announceAlert, presentOneAlert, pushAlert } from "../commands/alert-delivery.js";
import type { Core } from "../core.js";

/** How often due alerts are looked for. */
export const ALERT_ESCALATION_TICK_MS = 1_000;

/** Escalates every alert due at `now`; returns how many this instance escalated. */
export async function escalateDueAlerts(
  ctx: Pick<Core, "repos" | "live" | "config" | "push">,
  now = Date.now(),
): Promise<number> {
  const periodMs = ctx.config.alerts.escalateMs;
  let escalated = 0;
  for (const candidate of await ctx.repos.alerts.due(now)) {
    const row = await ctx.repos.alerts.claimEscalation(candidate, now, periodMs);
    if (!row) continue;
    escalated++;
    const alert = await presentOneAlert(ctx, row);
    await announceAlert(ctx, "updated", alert);
    pushAlert(ctx, alert, await ctx.repos.alerts.staffOf(alert.eventId), "alert.escalated");
  }
  return escalated;
}

/** Starts the escalation loop; returns a stopper. A failed tick is logged and retried. */
export function startAlertEscalation(
  ctx: Pick<Core, "repos" | "live" | "config" | "log" | "push">,
  tickMs = ALERT_ESCALATION_TICK_MS,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    // One tick at a time: a slow database must not pile up overlapping runs.
    if (running) return;
    running = true;
    escalateDueAlerts(ctx)
      .catch((err) => ctx.log.warn({ err: (err as Error).message }, "alert escalation failed; will retry"))
      .finally(() => {
        running = false;
      });
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
