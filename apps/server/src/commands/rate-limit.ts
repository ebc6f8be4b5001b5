import type { Core } from "../core.js";
import { AppError } from "../domain/errors.js";

export type RateDeps = Pick<Core, "engines">;

/** Counts a hit on `key` and throws 429 `rate_limited` with Retry-After when over the limit. */
export async function enforceRate(
  ctx: RateDeps,
  key: string,
  rule: { limit: number; windowMs: number },
  what: string,
): Promise<void> {
  const r = await ctx.engines.rateLimiter.hit(key, rule.limit, rule.windowMs);
  if (!r.allowed) {
    const seconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
    throw new AppError("rate_limited", `Too many ${what}; try again in ${seconds} s`, {
      retryAfterS: seconds,
    });
  }
}
