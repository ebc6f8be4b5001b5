import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { startRedis, type ThrowawayRedis } from "../../../../scripts/services.mjs";
import { describeBrokerConformance } from "./broker.conformance.js";
import type { Broker } from "./broker.js";
import { MemoryBroker } from "./broker.memory.js";
import { RedisBroker } from "./broker.redis.js";
import {
  type MakeNodes,
  redisConnections,
  requireRedisUrl,
  uniquePrefix,
  waitFor,
} from "./conformance-support.js";
import { silentLogger } from "./engine-logger.js";
import { MemoryHub } from "./memory-hub.js";

const memoryNodes: MakeNodes<Broker> = async (count) => {
  const hub = new MemoryHub();
  const nodes = Array.from({ length: count }, () => new MemoryBroker({ hub, logger: silentLogger }));
  return { nodes, close: async () => void (await Promise.all(nodes.map((n) => n.close()))) };
};

/** Brokers on the Redis at `url`, each with its own two connections, sharing a fresh prefix. */
async function redisBrokers(url: string, count: number) {
  const conns = redisConnections(url);
  const prefix = uniquePrefix();
  const nodes = Array.from(
    { length: count },
    () =>
      new RedisBroker({
        redis: conns.open(),
        subscriber: conns.open({ autoResubscribe: false }),
        prefix,
        logger: silentLogger,
      }),
  );
  await waitFor("brokers to connect", async () =>
    (await Promise.all(nodes.map((n) => n.healthy()))).every(Boolean),
  );
  return {
    nodes,
    async close() {
      await Promise.all(nodes.map((n) => n.close()));
      await conns.closeAll();
    },
  };
}

describeBrokerConformance("memory", memoryNodes);
describeBrokerConformance("redis", (count) => redisBrokers(requireRedisUrl(), count));

describe("RedisBroker across a Redis restart", () => {
  let server: ThrowawayRedis;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it("reports down then up, re-subscribes every topic, and works again", async () => {
    const { nodes, close } = await redisBrokers(server.url, 2);
    onTestFinished(close);
    const [a, b] = nodes as [RedisBroker, RedisBroker];
    const states = { a: [] as boolean[], b: [] as boolean[] };
    a.onStateChange((up) => states.a.push(up));
    b.onStateChange((up) => states.b.push(up));
    const got: string[] = [];
    await b.subscribe("survives", (payload) => got.push(payload.toString()));
    await a.publish("survives", Buffer.from("before"));
    await waitFor("the first message", () => got.length === 1);

    await server.stop();
    await waitFor(
      "both nodes to report the loss",
      () => states.a.includes(false) && states.b.includes(false),
    );
    expect(await a.healthy()).toBe(false);
    await expect(a.publish("survives", Buffer.from("during"))).rejects.toThrow(/down/);

    await server.restart();
    await waitFor(
      "both nodes to report recovery",
      () => states.a.at(-1) === true && states.b.at(-1) === true,
      {
        timeoutMs: 15_000,
      },
    );
    expect(states.a).toEqual([false, true]);
    expect(states.b).toEqual([false, true]);
    expect(await b.healthy()).toBe(true);

    // The topic was re-subscribed by the broker itself (the connection has autoResubscribe off).
    await a.publish("survives", Buffer.from("after"));
    await waitFor("a message after the restart", () => got.length === 2);
    expect(got).toEqual(["before", "after"]);
    // And new subscriptions work too.
    const fresh: string[] = [];
    await a.subscribe("new-topic", (payload) => fresh.push(payload.toString()));
    await b.publish("new-topic", Buffer.from("hi"));
    await waitFor("a message on a new topic", () => fresh.length === 1);
  });
});
