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
