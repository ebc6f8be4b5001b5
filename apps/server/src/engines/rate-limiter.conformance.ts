import { describe, expect, it } from "vitest";
import { type MakeNodes, nodesForTest, sleep } from "./conformance-support.js";
import type { RateLimiter } from "./rate-limiter.js";

/**
 * The {@link RateLimiter} contract, run against every implementation. `makeNodes(n)` returns n
 * limiters acting as separate nodes of one deployment (sharing their counters).
 */
export function describeRateLimiterConformance(name: string, makeNodes: MakeNodes<RateLimiter>): void {
  describe(`RateLimiter conformance: ${name}`, () => {
    it("allows `limit` hits per window, then refuses with the time left", async () => {
      const [a] = await nodesForTest(makeNodes, 1);
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await a!.hit("k", 3, 10_000));
      expect(results.slice(0, 3)).toEqual([
        { allowed: true, count: 1, remaining: 2, retryAfterMs: 0 },
        { allowed: true, count: 2, remaining: 1, retryAfterMs: 0 },
        { allowed: true, count: 3, remaining: 0, retryAfterMs: 0 },
      ]);
      expect(results[3]!.allowed).toBe(false);
      expect(results[3]!.count).toBe(4);
      expect(results[3]!.remaining).toBe(0);
      expect(results[3]!.retryAfterMs).toBeGreaterThan(8_000);
      expect(results[3]!.retryAfterMs).toBeLessThanOrEqual(10_000);
    });

    it("keeps counting refused hits without moving the window's end", async () => {
      const [a] = await nodesForTest(makeNodes, 1);
      await a!.hit("k", 1, 2_000);
      const first = await a!.hit("k", 1, 2_000);
      await sleep(150);
      const later = await a!.hit("k", 1, 2_000);
      expect(first.allowed).toBe(false);
      expect(later.allowed).toBe(false);
      expect(later.retryAfterMs).toBeLessThan(first.retryAfterMs);
    });

    it("opens a new window when the old one ends", async () => {
      const [a] = await nodesForTest(makeNodes, 1);
      await a!.hit("k", 1, 300);
      expect((await a!.hit("k", 1, 300)).allowed).toBe(false);
      // Every probe would be a hit, so this waits on the clock instead of polling.
      await sleep(350);
      expect(await a!.hit("k", 1, 300)).toEqual({ allowed: true, count: 1, remaining: 0, retryAfterMs: 0 });
    });

    it("counts keys separately and resets one key", async () => {
      const [a] = await nodesForTest(makeNodes, 1);
      await a!.hit("x", 1, 10_000);
      expect((await a!.hit("x", 1, 10_000)).allowed).toBe(false);
      expect((await a!.hit("y", 1, 10_000)).allowed).toBe(true);
      await a!.reset("x");
      expect((await a!.hit("x", 1, 10_000)).allowed).toBe(true);
      expect((await a!.hit("y", 1, 10_000)).allowed).toBe(false);
      await a!.reset("never-seen");
    });

    it("shares counts across nodes exactly under concurrency", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 ? a! : b!).hit("shared", 10, 10_000)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
      expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0 && r.remaining === 0)).toBe(
        true,
      );
      const remaining = results.filter((r) => r.allowed).map((r) => r.remaining);
      expect(remaining.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // Each concurrent hit is told its own place in the window.
      const counts = results.map((r) => r.count).sort((x, y) => x - y);
      expect(counts).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      await b!.reset("shared");
      expect((await a!.hit("shared", 10, 10_000)).remaining).toBe(9);
    });
  });
}
