import { describe, expect, it } from "vitest";
import { type MakeNodes, nodesForTest } from "./conformance-support.js";
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

/** Rounds of the race below, and the wall-clock bound on all of them. */
export const RACE_ROUNDS = 250;
const RACE_DEADLINE_MS = 30_000;

/**
 * The multi-channel part of the {@link Floor} contract (`acquireAll`, `renewAll`, `releaseAll`),
 * run against every implementation: `makeNodes(n)` returns n floors acting as separate nodes.
 */
export function describeMultiFloorConformance(name: string, makeNodes: MakeNodes<Floor>): void {
  describe(`Floor conformance (several channels at once): ${name}`, () => {
    it("takes every free floor at once, and refuses all when one is held", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const all = await a!.acquireAll(["x", "y", "z"], claim(1, { origin: "x" }), LEASE);
      expect(all).toMatchObject({ granted: true, preempted: [] });
      for (const ch of ["x", "y", "z"])
        expect(await b!.current(ch)).toMatchObject({ streamId: 1, origin: "x" });
      expect(await b!.acquire("y", claim(2), LEASE)).toMatchObject({
        granted: false,
        holder: { streamId: 1 },
      });

      expect(await b!.acquire("w", claim(3), LEASE)).toMatchObject({ granted: true });
      const blocked = await b!.acquireAll(["v", "w"], claim(4), LEASE);
      expect(blocked).toMatchObject({ granted: false, channelId: "w", holder: { streamId: 3 } });
      // Nothing of a refused claim is kept: v is still free.
      expect(await a!.current("v")).toBeNull();
    });

    it("pre-empts every non-priority holder with preempt true, none when one has priority", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      await a!.acquire("p", claim(1), LEASE);
      await a!.acquire("q", claim(2), LEASE);
      const call = await b!.acquireAll(["p", "q", "r"], claim(3, { priority: true }), {
        ...LEASE,
        preempt: true,
      });
      expect(call.granted).toBe(true);
      if (!call.granted) return;
      expect(call.preempted.map((p) => [p.channelId, p.holder.streamId])).toEqual([
        ["p", 1],
        ["q", 2],
      ]);
      expect(await a!.renew("p", 1, 3_000)).toBe(false);

      await a!.acquire("s", claim(4, { priority: true }), LEASE);
      const refused = await b!.acquireAll(["t", "s"], claim(5, { priority: true }), {
        ...LEASE,
        preempt: true,
      });
      expect(refused).toMatchObject({ granted: false, channelId: "s", holder: { streamId: 4 } });
      expect(await a!.current("t")).toBeNull();

      const hot = await b!.acquireAll(["s", "t"], claim(6, { priority: true }), {
        ...LEASE,
        preempt: "always",
      });
      expect(hot).toMatchObject({ granted: true, preempted: [{ channelId: "s", holder: { streamId: 4 } }] });
    });

    it('an all-call ("allCall") takes priority transmissions, never a hot mic or another all-call', async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      await a!.acquire("d", claim(1, { priority: true }), LEASE);
      const call = await b!.acquireAll(["d", "e"], claim(2, { priority: true, allCall: true }), {
        ...LEASE,
        preempt: "allCall",
      });
      expect(call).toMatchObject({ granted: true, preempted: [{ channelId: "d", holder: { streamId: 1 } }] });
      const second = await a!.acquireAll(["e", "f"], claim(3, { priority: true, allCall: true }), {
        ...LEASE,
        preempt: "allCall",
      });
      expect(second).toMatchObject({
        granted: false,
        channelId: "e",
        holder: { streamId: 2, allCall: true },
      });
      await a!.acquire("g", claim(4, { priority: true, emergency: true }), { ...LEASE, preempt: "always" });
      const third = await b!.acquireAll(["f", "g"], claim(5, { allCall: true }), {
        ...LEASE,
        preempt: "allCall",
      });
      expect(third).toMatchObject({
        granted: false,
        channelId: "g",
        holder: { streamId: 4, emergency: true },
      });
      expect(await a!.current("f")).toBeNull();
    });

    it("renews only while it holds every floor, and releases only its own", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      await a!.acquireAll(["m", "n"], claim(1), { leaseMs: 400, preempt: false });
      expect(await b!.renewAll(["m", "n"], 1, 3_000)).toBe(true);
      // A hot mic on one of them: the set is no longer this stream's.
      await b!.acquire("n", claim(2, { priority: true }), { ...LEASE, preempt: "always" });
      expect(await a!.renewAll(["m", "n"], 1, 3_000)).toBe(false);
      expect(await a!.releaseAll(["m", "n"], 1)).toBe(1);
      expect(await b!.current("m")).toBeNull();
      expect((await b!.current("n"))?.streamId).toBe(2);
    });

    it(
      `never gives one channel two holders, nor a claim part of its set (${RACE_ROUNDS} rounds on two nodes)`,
      async () => {
        const [a, b] = await nodesForTest(makeNodes, 2);
        const channels = ["c0", "c1", "c2", "c3", "c4"];
        const deadline = Date.now() + RACE_DEADLINE_MS;
        let stream = 1_000;
        let granted = 0;
        let round = 0;
        for (; round < RACE_ROUNDS && Date.now() < deadline; round++) {
          const prefix = `r${round}-`;
          // Eight contenders, alternating between the nodes: sets of two to five channels
          // (all-calls, patches) and single channels.
          const claims = Array.from({ length: 8 }, (_, i) => {
            const ids =
              i % 4 === 3
                ? [channels[(round + i) % 5]!]
                : channels.filter((_, k) => (k + round + i) % ((i % 3) + 2) !== 0);
            return { ids: ids.map((c) => prefix + c), c: claim(++stream, { priority: i % 2 === 0 }) };
          });
          const results = await Promise.all(
            claims.map((x, i) => {
              const node = i % 2 ? a! : b!;
              return x.ids.length === 1
                ? node.acquire(x.ids[0]!, x.c, LEASE)
                : node.acquireAll(x.ids, x.c, LEASE);
            }),
          );
          const winners = claims.filter((_, i) => results[i]!.granted);
          // No two granted claims share a channel ...
          const taken = new Map<string, number>();
          for (const x of winners)
            for (const id of x.ids) {
              expect(taken.get(id), `round ${round}: ${id} granted twice`).toBeUndefined();
              taken.set(id, x.c.streamId);
            }
          // ... each holds its whole set, and nothing is held by a refused one.
          const holders = await Promise.all(channels.map((c) => b!.current(prefix + c)));
          for (const [k, h] of holders.entries()) expect(h?.streamId).toBe(taken.get(prefix + channels[k]!));
          granted += results.filter((r) => r.granted).length;
        }
        expect(round).toBe(RACE_ROUNDS);
        expect(granted).toBeGreaterThanOrEqual(RACE_ROUNDS);
      },
      RACE_DEADLINE_MS + 10_000,
    );
  });
}
