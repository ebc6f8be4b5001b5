/**
 * How often the raiser's moving position is reported. The server accepts one every 2 s; every
 * {@link LOCATION_EVERY_MS} is plenty to find someone on foot and spares a failing battery. The
 * first fix is sent at once when the alert went out without one.
 */
export const LOCATION_EVERY_MS = 10_000;

export function shouldReport(lastSentAt: number | null, now: number, everyMs = LOCATION_EVERY_MS): boolean {
  return lastSentAt === null || now - lastSentAt >= everyMs;
}
