import { describe, expect, it } from "vitest";
import { type MakeNodes, nodesForTest, sleep, waitFor } from "./conformance-support.js";
import type { Floor, FloorClaim } from "./floor.js";

const LEASE = { leaseMs: 3_000, preempt: false };

const claim = (streamId: number, extra: Partial<FloorClaim> = {}): FloorClaim => ({
  userId: `user-${streamId}`,
  connId: `conn-${streamId}`,
  nodeId: "node-x",
  streamId,
  priority: false,
  ...extra,
});

/**
 * The {@link Floor} contract, run against every implementation. `makeNodes(n)` returns n floors
 * acting as separate nodes of one deployment.
 */
export function describeFloorConformance(name: string, makeNodes: MakeNodes<Floor>): void {
  describe(`Floor conformance: ${name}`, () => {
    it("grants a free floor and reports the holder to everyone else", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const before = Date.now();
      const first = await a!.acquire("ch", claim(1, { nodeId: "a" }), LEASE);
      expect(first).toEqual({
        granted: true,
        holder: { ...claim(1, { nodeId: "a" }), since: expect.any(Number) },
        preempted: null,
      });
      const since = first.holder.since;
      expect(since).toBeGreaterThanOrEqual(before - 1_000);
      expect(since).toBeLessThanOrEqual(Date.now() + 1_000);

      const second = await b!.acquire("ch", claim(2, { nodeId: "b" }), LEASE);
      expect(second).toEqual({ granted: false, holder: { ...claim(1, { nodeId: "a" }), since } });
      expect(await b!.current("ch")).toEqual({ ...claim(1, { nodeId: "a" }), since });
      expect(await a!.current("other")).toBeNull();
    });

    it("grants exactly one of 50 concurrent acquires across two nodes", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      for (let round = 0; round < 3; round++) {
        const channel = `race-${round}`;
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => (i % 2 ? a! : b!).acquire(channel, claim(100 + i), LEASE)),
        );
        const winners = results.filter((r) => r.granted);
        expect(winners).toHaveLength(1);
        const winner = winners[0]!.holder.streamId;
        for (const r of results) expect(r.holder.streamId).toBe(winner);
        expect((await a!.current(channel))?.streamId).toBe(winner);
      }
    });

    it("frees the floor by itself when the lease is not renewed", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      expect((await a!.acquire("ch", claim(1), { leaseMs: 300, preempt: false })).granted).toBe(true);
      await waitFor("the lease to expire", async () => (await b!.current("ch")) === null, {
        timeoutMs: 3_000,
      });
      expect(await a!.renew("ch", 1, 300)).toBe(false);
      expect(await a!.release("ch", 1)).toBe(false);
      expect((await b!.acquire("ch", claim(2), LEASE)).granted).toBe(true);
    });

    it("extends the lease while it is renewed, only for the holder's stream", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      await a!.acquire("ch", claim(7), { leaseMs: 400, preempt: false });
      const until = Date.now() + 1_200; // three leases
      for (let i = 0; i < 100 && Date.now() < until; i++) {
        expect(await b!.renew("ch", 7, 400)).toBe(true);
        await sleep(100);
      }
      expect((await a!.current("ch"))?.streamId).toBe(7);
      expect(await a!.renew("ch", 8, 400)).toBe(false);
      expect(await a!.renew("nowhere", 7, 400)).toBe(false);
      await waitFor("expiry once renewals stop", async () => (await a!.current("ch")) === null, {
        timeoutMs: 3_000,
      });
    });

    it("releases only the holder's stream (compare-and-delete)", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      await a!.acquire("ch", claim(1), LEASE);
      expect(await b!.release("ch", 2)).toBe(false);
      expect((await a!.current("ch"))?.streamId).toBe(1);
      expect(await b!.release("ch", 1)).toBe(true);
      expect(await a!.current("ch")).toBeNull();
      expect(await a!.release("ch", 1)).toBe(false);
      expect((await b!.acquire("ch", claim(3), LEASE)).granted).toBe(true);
    });

    it("pre-empts a holder without priority only when asked to", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const first = await a!.acquire("ch", claim(1), LEASE);
      expect(first.granted).toBe(true);

      const polite = await b!.acquire("ch", claim(2, { priority: true }), LEASE);
      expect(polite).toEqual({ granted: false, holder: first.holder });

      const urgent = await b!.acquire("ch", claim(3, { priority: true }), { ...LEASE, preempt: true });
      expect(urgent).toEqual({
        granted: true,
        holder: { ...claim(3, { priority: true }), since: expect.any(Number) },
        preempted: first.holder,
      });
      expect(await a!.renew("ch", 1, 3_000)).toBe(false);
      expect(await a!.release("ch", 1)).toBe(false);
      expect((await a!.current("ch"))?.streamId).toBe(3);
    });

    it("never pre-empts a holder with priority", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const first = await a!.acquire("ch", claim(1, { priority: true }), LEASE);
      const second = await b!.acquire("ch", claim(2, { priority: true }), { ...LEASE, preempt: true });
      expect(second).toEqual({ granted: false, holder: first.holder });
      const third = await b!.acquire("ch", claim(3), { ...LEASE, preempt: true });
      expect(third.granted).toBe(false);
      expect((await b!.current("ch"))?.streamId).toBe(1);
    });

    it('pre-empts any holder, priority included, with preempt "always"', async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const first = await a!.acquire("ch", claim(1, { priority: true }), LEASE);
      const hot = await b!.acquire("ch", claim(2, { priority: true }), { ...LEASE, preempt: "always" });
      expect(hot).toEqual({
        granted: true,
        holder: { ...claim(2, { priority: true }), since: expect.any(Number) },
        preempted: first.holder,
      });
      expect(await a!.renew("ch", 1, 3_000)).toBe(false);
      expect((await b!.current("ch"))?.streamId).toBe(2);
    });

    it("keeps channels independent", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      expect((await a!.acquire("one", claim(1), LEASE)).granted).toBe(true);
      expect((await b!.acquire("two", claim(2), LEASE)).granted).toBe(true);
      expect(await a!.release("two", 1)).toBe(false);
      expect((await b!.current("one"))?.streamId).toBe(1);
      expect((await a!.current("two"))?.streamId).toBe(2);
    });
  });
}
