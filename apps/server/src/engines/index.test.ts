import { describe, expect, it, onTestFinished } from "vitest";
import { startRedis } from "../../../../scripts/services.mjs";
import { requireRedisUrl, sleep, uniquePrefix, waitFor } from "./conformance-support.js";
import { silentLogger } from "./engine-logger.js";
import { createEngines, type Engines, MemoryHub } from "./index.js";

function engines(opts: Parameters<typeof createEngines>[0]): Engines {
  const e = createEngines({ logger: silentLogger, ...opts });
  onTestFinished(() => e.close());
  return e;
}

describe("createEngines", () => {
  it("builds memory engines without a Redis URL, with a random node id", async () => {
    const a = engines({});
    const b = engines({});
    expect(a.nodeId).toMatch(/^[0-9a-f]{16}$/);
    expect(a.nodeId).not.toBe(b.nodeId);
    expect(a.broker.nodeId).toBe(a.nodeId);
    expect(await a.healthy()).toBe(true);
    // Each call gets its own hub: separate embedded servers do not share state.
    await a.rateLimiter.hit("k", 1, 60_000);
    expect((await b.rateLimiter.hit("k", 1, 60_000)).allowed).toBe(true);
  });

  it("lets memory engines on one hub act as two nodes", async () => {
    const hub = new MemoryHub();
    const a = engines({ hub, nodeId: "a" });
    const b = engines({ hub, nodeId: "b" });
    const got: string[] = [];
    await b.broker.subscribe("t", (payload, from) => got.push(`${from}:${payload.toString()}`));
    await a.broker.publish("t", Buffer.from("hi"));
    await waitFor("delivery", () => got.length === 1);
    expect(got).toEqual(["a:hi"]);
  });

  it("builds Redis engines that work together across two nodes and close cleanly", async () => {
    const url = requireRedisUrl();
    const prefix = uniquePrefix();
    const a = engines({ redisUrl: url, prefix, nodeId: "node-a", presenceLeaseMs: 600 });
    const b = engines({ redisUrl: url, prefix, nodeId: "node-b", presenceLeaseMs: 600 });
    await waitFor("both healthy", async () => (await a.healthy()) && (await b.healthy()));

    const got: string[] = [];
    await b.broker.subscribe("channel:1", (payload, from) => got.push(`${from}:${payload.toString()}`));
    await a.broker.publish("channel:1", Buffer.from("hello"));
    await waitFor("delivery", () => got.length === 1);
    expect(got).toEqual(["node-a:hello"]);

    expect(await a.presence.add("ch", "u1", "c1")).toBe(true);
    expect(await b.presence.users("ch")).toEqual(["u1"]);
    expect((await a.floor.acquire("ch", claim(1), { leaseMs: 3_000, preempt: false })).granted).toBe(true);
    expect((await b.floor.current("ch"))?.streamId).toBe(1);
    await a.rateLimiter.hit("k", 1, 60_000);
    expect((await b.rateLimiter.hit("k", 1, 60_000)).allowed).toBe(false);

    const revoked: string[] = [];
    a.revocations.onRevoked((sid) => revoked.push(`a:${sid}`));
    b.revocations.onRevoked((sid) => revoked.push(`b:${sid}`));
    await waitFor("revocation subscriptions", async () => {
      // A notice only reaches b once b's subscription is active; retry with fresh ids until it does.
      const sid = `s-${revoked.length}-${Date.now()}`;
      await a.revocations.revokeSession(sid, Date.now() + 60_000);
      await sleep(50);
      return revoked.includes(`b:${sid}`);
    });
    expect(await b.revocations.isRevoked("never")).toBe(false);

    await a.close();
    expect(await a.healthy()).toBe(false);
    await a.close(); // idempotent
  });
});

describe("createEngines health", () => {
  it("is unhealthy while Redis is away and healthy again after", async () => {
    const server = await startRedis();
    const e = createEngines({ redisUrl: server.url, prefix: uniquePrefix(), logger: silentLogger });
    onTestFinished(async () => {
      await e.close();
      await server.destroy();
    });
    await waitFor("healthy", () => e.healthy());
    await server.stop();
    await waitFor("unhealthy", async () => !(await e.healthy()));
    await server.restart();
    await waitFor("healthy again", () => e.healthy(), { timeoutMs: 15_000 });
    expect((await e.floor.acquire("ch", claim(1), { leaseMs: 1_000, preempt: false })).granted).toBe(true);
  });
});

function claim(streamId: number) {
  return { userId: "u", connId: "c", nodeId: "node-a", streamId, priority: false };
}
