import { redisConnections, requireRedisUrl, uniquePrefix } from "./conformance-support.js";
import { describeFloorConformance } from "./floor.conformance.js";
import { MemoryFloor } from "./floor.memory.js";
import { RedisFloor } from "./floor.redis.js";
import { describeMultiFloorConformance } from "./floor-multi.conformance.js";
import { MemoryHub } from "./memory-hub.js";

describeFloorConformance("memory", async (count) => {
  const hub = new MemoryHub();
  const nodes = Array.from({ length: count }, () => new MemoryFloor({ hub }));
  return { nodes, close: async () => void (await Promise.all(nodes.map((n) => n.close()))) };
});

describeFloorConformance("redis", async (count) => {
  const conns = redisConnections(requireRedisUrl());
  const prefix = uniquePrefix();
  const nodes = Array.from({ length: count }, () => new RedisFloor({ redis: conns.open(), prefix }));
  return {
    nodes,
    async close() {
      await Promise.all(nodes.map((n) => n.close()));
      await conns.closeAll();
    },
  };
});

describeMultiFloorConformance("memory", async (count) => {
  const hub = new MemoryHub();
  const nodes = Array.from({ length: count }, () => new MemoryFloor({ hub }));
  return { nodes, close: async () => void (await Promise.all(nodes.map((n) => n.close()))) };
});

describeMultiFloorConformance("redis", async (count) => {
  const conns = redisConnections(requireRedisUrl());
  const prefix = uniquePrefix();
  const nodes = Array.from({ length: count }, () => new RedisFloor({ redis: conns.open(), prefix }));
  return {
    nodes,
    async close() {
      await Promise.all(nodes.map((n) => n.close()));
      await conns.closeAll();
    },
  };
});
