import { describe, expect, it, onTestFinished } from "vitest";
import { startRedis } from "../../../../scripts/services.mjs";
import { redisConnections, requireRedisUrl, uniquePrefix, waitFor } from "./conformance-support.js";
import { silentLogger } from "./engine-logger.js";
import { MemoryHub } from "./memory-hub.js";
import { describePresenceConformance } from "./presence.conformance.js";
import { MemoryPresence } from "./presence.memory.js";
import { RedisPresence } from "./presence.redis.js";

const nodeId = (i: number) => `node-${i}`;

describePresenceConformance("memory", async (count, opts = {}) => {
  const hub = new MemoryHub();
  const nodes = Array.from(
    { length: count },
    (_, i) => new MemoryPresence({ ...opts, nodeId: nodeId(i), hub, logger: silentLogger }),
  );
  return { nodes, close: async () => void (await Promise.all(nodes.map((n) => n.close()))) };
});

describePresenceConformance("redis", async (count, opts = {}) => {
  const conns = redisConnections(requireRedisUrl());
  const prefix = uniquePrefix();
  const nodes = Array.from(
    { length: count },
    (_, i) =>
      new RedisPresence({ ...opts, nodeId: nodeId(i), redis: conns.open(), prefix, logger: silentLogger }),
  );
  return {
    nodes,
    async close() {
      await Promise.all(nodes.map((n) => n.close()));
      await conns.closeAll();
    },
  };
});

describe("RedisPresence when its own lease lapsed while alive", () => {
  it("writes its swept entries back once it notices", async () => {
    const conns = redisConnections(requireRedisUrl());
    const prefix = uniquePrefix();
    const leaseMs = 600;
    const redis = conns.open();
    // A long lease: its renewal timer stays quiet during the test, as if the process were paused.
    const paused = new RedisPresence({
      nodeId: "paused",
      redis,
      prefix,
      leaseMs: 60_000,
      logger: silentLogger,
    });
    const other = new RedisPresence({
      nodeId: "other",
      redis: conns.open(),
      prefix,
      leaseMs,
      logger: silentLogger,
    });
    onTestFinished(async () => {
      await Promise.all([paused.close(), other.close()]);
      await conns.closeAll();
    });
    const swept: string[] = [];
    other.onSwept((channelId, userId) => swept.push(`${channelId}:${userId}`));
    await paused.add("ch", "u1", "c1");
    // What a long pause looks like from Redis: the lease is gone and another node sweeps.
    await redis.del(`${prefix}presence:lease:paused`);
    await waitFor("the sweep", () => swept.length === 1);
    expect(swept).toEqual(["ch:u1"]);
    expect(await other.users("ch")).toEqual([]);
    // Its next write finds the lease gone and puts the swept entries back.
    await paused.add("elsewhere", "u2", "c2");
    await waitFor("the entry to be restored", async () => (await other.users("ch")).includes("u1"));
    expect(await paused.remove("ch", "u1", "c1")).toBe(true);
  });
});

describe("RedisPresence across a Redis restart that lost every key", () => {
  it("writes the node's entries back after the restart", async () => {
    const server = await startRedis();
    const conns = redisConnections(server.url);
    const prefix = uniquePrefix();
    const opts = { prefix, leaseMs: 600, logger: silentLogger };
    const a = new RedisPresence({ ...opts, nodeId: "a", redis: conns.open() });
    const b = new RedisPresence({ ...opts, nodeId: "b", redis: conns.open() });
    onTestFinished(async () => {
      await Promise.all([a.close(), b.close()]);
      await conns.closeAll();
      await server.destroy();
    });
    await a.add("ch", "u1", "c1");
    await a.add("ch", "u1", "c2");
    await b.add("ch", "u2", "c3");
    await a.remove("ch", "u1", "c2");

    await server.stop();
    await server.restart(); // no persistence: an empty Redis
    await waitFor("both nodes' entries to be back", async () => (await a.users("ch")).length === 2, {
      timeoutMs: 10_000,
    });
    expect((await b.users("ch")).sort()).toEqual(["u1", "u2"]);
    // Counts were rebuilt too: c1 is u1's only connection, c2 stays removed.
    expect(await a.remove("ch", "u1", "c2")).toBe(false);
    expect(await a.remove("ch", "u1", "c1")).toBe(true);
  });
});
