import { describe, expect, it } from "vitest";
import { redisConnections, requireRedisUrl, uniquePrefix, waitFor } from "./conformance-support.js";
import { MemoryHub } from "./memory-hub.js";
import { describeRateLimiterConformance } from "./rate-limiter.conformance.js";
import { MemoryRateLimiter } from "./rate-limiter.memory.js";
import { RedisRateLimiter } from "./rate-limiter.redis.js";

describeRateLimiterConformance("memory", async (count) => {
  const hub = new MemoryHub();
  const nodes = Array.from({ length: count }, () => new MemoryRateLimiter({ hub }));
  return { nodes, close: async () => void (await Promise.all(nodes.map((n) => n.close()))) };
});

describeRateLimiterConformance("redis", async (count) => {
  const conns = redisConnections(requireRedisUrl());
  const prefix = uniquePrefix();
  const nodes = Array.from({ length: count }, () => new RedisRateLimiter({ redis: conns.open(), prefix }));
  return {
    nodes,
    async close() {
      await Promise.all(nodes.map((n) => n.close()));
      await conns.closeAll();
    },
  };
});

describe("MemoryRateLimiter memory bound", () => {
  it("keeps at most maxKeys windows, dropping the oldest", async () => {
    const hub = new MemoryHub();
    const limiter = new MemoryRateLimiter({ hub, maxKeys: 100 });
    try {
      for (let i = 0; i < 1_000; i++) await limiter.hit(`k${i}`, 1, 60_000);
      expect(hub.rates.size).toBe(100);
      expect(hub.rates.has("k999")).toBe(true);
      expect(hub.rates.has("k0")).toBe(false);
    } finally {
      await limiter.close();
    }
  });

  it("drops ended windows on its periodic cleanup", async () => {
    const hub = new MemoryHub();
    const limiter = new MemoryRateLimiter({ hub, cleanupMs: 50 });
    try {
      for (let i = 0; i < 10; i++) await limiter.hit(`k${i}`, 1, 20);
      await waitFor("the ended windows to go", () => hub.rates.size === 0, { timeoutMs: 3_000 });
    } finally {
      await limiter.close();
    }
  });
});
