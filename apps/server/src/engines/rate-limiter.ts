/**
 * Counts hits per key in a fixed time window, shared across nodes.
 *
 * Contract: `hit` counts one hit against `key` and says whether it is within `limit` hits per
 * `windowMs`. A refused hit still counts (hammering does not reset the window). `count` is the
 * number of hits in the window so far, this one included (so concurrent hits each see their own
 * position). `retryAfterMs` is 0 when allowed, otherwise the time until the window ends.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  remaining: number;
  retryAfterMs: number;
}
