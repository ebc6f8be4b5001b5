import { defaultHub, type MemoryHub } from "./memory-hub.js";
import type { RateLimiter, RateLimitResult } from "./rate-limiter.js";

export interface MemoryRateLimiterOptions {
  /** Nodes on one hub share the counters; default: the process-wide hub. */
  hub?: MemoryHub;
  /** Most windows kept at once; past it the oldest windows are forgotten early. Default 100_000. */
  maxKeys?: number;
  /** How often ended windows are dropped; default 30_000 ms. */
  cleanupMs?: number;
}

/**
 * In-process fixed-window {@link RateLimiter}. It serves ONE process only (instances on one
 * {@link MemoryHub} share counters, for tests). Memory is bounded: ended windows are dropped every
 * `cleanupMs`, and at most `maxKeys` windows are kept — beyond that the oldest window is dropped,
 * which lets that key start afresh (fail-open for the oldest key, never unbounded growth).
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows: MemoryHub["rates"];
  private readonly maxKeys: number;
  private readonly timer: NodeJS.Timeout;

  constructor(opts: MemoryRateLimiterOptions = {}) {
    this.windows = (opts.hub ?? defaultHub).rates;
    this.maxKeys = opts.maxKeys ?? 100_000;
    this.timer = setInterval(() => this.cleanup(), opts.cleanupMs ?? 30_000);
    this.timer.unref();
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      // Re-insert so the map's order stays oldest window first (what eviction relies on).
      this.windows.delete(key);
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
      this.evictOverflow();
    }
    window.count += 1;
    const allowed = window.count <= limit;
    return {
      allowed,
      count: window.count,
      remaining: Math.max(0, limit - window.count),
      retryAfterMs: allowed ? 0 : Math.max(1, window.resetAt - now),
    };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  private cleanup(): void {
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }

  private evictOverflow(): void {
    while (this.windows.size > this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (oldest.done) return;
      this.windows.delete(oldest.value);
    }
  }
}
