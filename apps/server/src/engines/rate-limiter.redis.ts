import type { Redis } from "ioredis";
import { LuaScript } from "./lua-script.js";
import type { RateLimiter, RateLimitResult } from "./rate-limiter.js";

export interface RedisRateLimiterOptions {
  /** Command connection (shared with the other engines; not closed by `close`). */
  redis: Redis;
  /** Key prefix; default "won:". A counter lives at `${prefix}rate:${key}`. */
  prefix?: string;
}

/** Counts a hit; the first hit of a window sets its expiry. Returns {count, ms until the window ends}. */
const HIT = new LuaScript(
  `
local n = redis.call('INCR', KEYS[1])
local ttl = -1
if n > 1 then ttl = redis.call('PTTL', KEYS[1]) end
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`,
  1,
);

/**
 * Fixed-window {@link RateLimiter} in Redis: one counter per key whose TTL is the window, counted
 * and expired in one Lua script so concurrent hits from any node are counted exactly. Keys vanish
 * with their window, so Redis memory is bounded by the keys active in the last window.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(opts: RedisRateLimiterOptions) {
    this.redis = opts.redis;
    this.prefix = `${opts.prefix ?? "won:"}rate:`;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const [count, ttl] = (await HIT.run(
      this.redis,
      [this.prefix + key],
      [Math.max(1, Math.round(windowMs))],
    )) as [number, number];
    const allowed = count <= limit;
    return {
      allowed,
      count,
      remaining: Math.max(0, limit - count),
      retryAfterMs: allowed ? 0 : Math.max(1, ttl),
    };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  /** The connection belongs to the caller; nothing to release. */
  async close(): Promise<void> {}
}
