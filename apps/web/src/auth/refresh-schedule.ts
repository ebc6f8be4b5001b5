/** When to refresh the access token so the socket never meets its expiry (and a 4401). */

/** Refresh this long before expiry when the token lives long enough. */
export const REFRESH_LEAD_MS = 60_000;

/** Delay before refreshing a token with `lifeMs` left: a minute early, or at 80 % of a short life; never under 1 s. */
export function refreshDelay(lifeMs: number): number {
  const wait = lifeMs > 2 * REFRESH_LEAD_MS ? lifeMs - REFRESH_LEAD_MS : lifeMs * 0.8;
  return Math.max(1_000, wait);
}
