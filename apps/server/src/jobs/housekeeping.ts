/**
 * Periodic clean-up, run by every instance (each step is idempotent, so several instances
 * running it at once only repeat cheap deletes): recordings past the retention period lose their
 * audio (their messages stay in the history, without a recording), expired sessions and their
 * refresh tokens go, and so do expired password reset codes.
 */
import type { Core } from "../core.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the clean-up runs. */
export const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

export interface HousekeepingResult {
  recordingsDeleted: number;
  sessionsDeleted: number;
}

export async function runHousekeeping(
  ctx: Pick<Core, "repos" | "config">,
  now = Date.now(),
): Promise<HousekeepingResult> {
  const days = ctx.config.recordingRetentionDays;
  // 0 keeps recordings forever.
  const recordingsDeleted = days > 0 ? await ctx.repos.recordings.deleteOlderThan(now - days * DAY_MS) : 0;
  const sessionsDeleted = await ctx.repos.sessions.purgeExpired(now);
  await ctx.repos.passwordResets.purgeExpired(now);
  return { recordingsDeleted, sessionsDeleted };
}

/** Starts the periodic clean-up (first run shortly after start); returns a stopper. */
export function startHousekeeping(
  ctx: Pick<Core, "repos" | "config" | "log">,
  intervalMs = HOUSEKEEPING_INTERVAL_MS,
): () => void {
  const run = () =>
    runHousekeeping(ctx).then(
      (r) => {
        if (r.recordingsDeleted || r.sessionsDeleted) ctx.log.info(r, "housekeeping");
      },
      (err) => ctx.log.warn({ err: (err as Error).message }, "housekeeping failed; will retry"),
    );
  const first = setTimeout(run, 30_000);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
