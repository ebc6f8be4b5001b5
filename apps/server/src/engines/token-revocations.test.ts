import { describe, expect, it, onTestFinished } from "vitest";
import { RedisBroker } from "./broker.redis.js";
import { redisConnections, requireRedisUrl, uniquePrefix, waitFor } from "./conformance-support.js";
import { silentLogger } from "./engine-logger.js";
import { MemoryHub } from "./memory-hub.js";
import { describeTokenRevocationsConformance } from "./token-revocations.conformance.js";
import { MemoryTokenRevocations } from "./token-revocations.memory.js";
import { RedisTokenRevocations } from "./token-revocations.redis.js";

describeTokenRevocationsConformance("memory", async (count) => {
  const hub = new MemoryHub();
  const nodes = Array.from({ length: count }, () => new MemoryTokenRevocations({ hub }));
  return { nodes, close: async () => void (await Promise.all(nodes.map((n) => n.close()))) };
});

describeTokenRevocationsConformance("redis", async (count) => {
  const conns = redisConnections(requireRedisUrl());
  const prefix = uniquePrefix();
  const brokers: RedisBroker[] = [];
  const nodes = Array.from({ length: count }, () => {
    const redis = conns.open();
    const broker = new RedisBroker({
      redis,
      subscriber: conns.open({ autoResubscribe: false }),
      prefix,
      logger: silentLogger,
    });
    brokers.push(broker);
    return new RedisTokenRevocations({ redis, broker, prefix, logger: silentLogger });
  });
  await Promise.all(nodes.map((n) => n.ready()));
  await waitFor("brokers to connect", async () =>
    (await Promise.all(brokers.map((b) => b.healthy()))).every(Boolean),
  );
  return {
    nodes,
    async close() {
      await Promise.all(nodes.map((n) => n.close()));
      await Promise.all(brokers.map((b) => b.close()));
      await conns.closeAll();
    },
  };
});

describe("RedisTokenRevocations after a broker outage", () => {
  it("tells its listeners about revocations whose notices it missed", async () => {
    const conns = redisConnections(requireRedisUrl());
    const prefix = uniquePrefix();
    const make = (subscriber = conns.open({ autoResubscribe: false })) => {
      const redis = conns.open();
      const broker = new RedisBroker({ redis, subscriber, prefix, logger: silentLogger });
      return {
        broker,
        revocations: new RedisTokenRevocations({ redis, broker, prefix, logger: silentLogger }),
      };
    };
    const a = make();
    // b's subscriber reconnects slowly, so a revocation can happen while b is not listening.
    const bSubscriber = conns.open({ autoResubscribe: false, retryStrategy: () => 1_000 });
    const b = make(bSubscriber);
    onTestFinished(async () => {
      await Promise.all([a.revocations.close(), b.revocations.close()]);
      await Promise.all([a.broker.close(), b.broker.close()]);
      await conns.closeAll();
    });
    await Promise.all([a.revocations.ready(), b.revocations.ready()]);
    await waitFor("brokers up", async () => (await a.broker.healthy()) && (await b.broker.healthy()));
    const states: boolean[] = [];
    b.broker.onStateChange((up) => states.push(up));
    const heard: string[] = [];
    b.revocations.onRevoked((sid) => heard.push(sid));

    bSubscriber.disconnect(true);
    await waitFor("b's broker to notice", () => states.includes(false));
    await a.revocations.revokeSession("missed", Date.now() + 60_000);
    expect(heard).toEqual([]);
    await waitFor("b's broker to come back", () => states.at(-1) === true, { timeoutMs: 10_000 });
    await waitFor("b to hear of the missed revocation", () => heard.includes("missed"));
    expect(heard).toEqual(["missed"]);
    expect(await b.revocations.isRevoked("missed")).toBe(true);
  });
});
