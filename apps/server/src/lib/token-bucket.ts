/**
 * A token bucket: `ratePerS` tokens a second, holding at most `burst`. One per socket and kind
 * of traffic; no timers, refilled lazily on `take`.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(n = 1): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerS);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}
