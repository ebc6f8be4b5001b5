import { describe, expect, it } from "vitest";
import { type MakeNodes, nodesForTest, sleep, waitFor } from "./conformance-support.js";
import type { Presence } from "./presence.js";

/** Lease and sweep period of the nodes a test makes. */
export interface PresenceNodeOptions {
  leaseMs?: number;
  sweepMs?: number;
}

const LEASE_MS = 600;
const sorted = (xs: string[]) => [...xs].sort();

/**
 * The {@link Presence} contract, run against every implementation. `makeNodes(n, opts)` returns n
 * presences acting as separate nodes of one deployment; closing a node stops its lease renewal
 * without removing its entries, which is how these tests simulate a crashed node.
 */
export function describePresenceConformance(
  name: string,
  makeNodes: MakeNodes<Presence, PresenceNodeOptions>,
): void {
  describe(`Presence conformance: ${name}`, () => {
    const opts = { leaseMs: LEASE_MS };

    it("counts a user once however many connections, and reports first and last", async () => {
      const [a] = await nodesForTest(makeNodes, 1, opts);
      expect(await a!.add("ch", "u1", "c1")).toBe(true);
      expect(await a!.add("ch", "u1", "c2")).toBe(false);
      expect(await a!.add("ch", "u2", "c3")).toBe(true);
      expect(sorted(await a!.users("ch"))).toEqual(["u1", "u2"]);
      expect(await a!.remove("ch", "u1", "c1")).toBe(false);
      expect(sorted(await a!.users("ch"))).toEqual(["u1", "u2"]);
      expect(await a!.remove("ch", "u1", "c2")).toBe(true);
      expect(await a!.users("ch")).toEqual(["u2"]);
      expect(await a!.remove("ch", "u2", "c3")).toBe(true);
      expect(await a!.users("ch")).toEqual([]);
    });

    it("treats a repeated add or an unknown remove as no change", async () => {
      const [a] = await nodesForTest(makeNodes, 1, opts);
      expect(await a!.add("ch", "u1", "c1")).toBe(true);
      expect(await a!.add("ch", "u1", "c1")).toBe(false);
      expect(await a!.remove("ch", "u1", "nope")).toBe(false);
      expect(await a!.remove("ch", "u2", "c1")).toBe(false);
      expect(await a!.remove("other", "u1", "c1")).toBe(false);
      expect(await a!.remove("ch", "u1", "c1")).toBe(true);
      expect(await a!.remove("ch", "u1", "c1")).toBe(false);
      expect(await a!.users("ch")).toEqual([]);
    });

    it("keeps channels apart and sees every node's connections", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2, opts);
      expect(await a!.add("one", "u1", "a1")).toBe(true);
      expect(await b!.add("one", "u1", "b1")).toBe(false);
      expect(await b!.add("two", "u1", "b1")).toBe(true);
      expect(await b!.add("one", "u2", "b2")).toBe(true);
      expect(sorted(await a!.users("one"))).toEqual(["u1", "u2"]);
      expect(await a!.users("two")).toEqual(["u1"]);
      expect(await a!.remove("one", "u1", "a1")).toBe(false);
      expect(await b!.remove("one", "u1", "b1")).toBe(true);
      expect(await a!.users("one")).toEqual(["u2"]);
      expect(await a!.users("two")).toEqual(["u1"]);
    });

    it("keeps a live node's entries beyond its lease", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2, opts);
      await a!.add("ch", "u1", "c1");
      await sleep(LEASE_MS * 2.5); // several renewals and sweeps
      expect(await b!.users("ch")).toEqual(["u1"]);
    });

    it("hides a dead node's users as soon as its lease runs out", async () => {
      // Sweeps far apart: only the lease check can hide them.
      const [a, dead] = await nodesForTest(makeNodes, 2, { leaseMs: LEASE_MS, sweepMs: 60_000 });
      await dead!.add("ch", "gone", "d1");
      await a!.add("ch", "stays", "a1");
      expect(sorted(await a!.users("ch"))).toEqual(["gone", "stays"]);
      await dead!.close();
      await waitFor("the dead node's user to vanish", async () => !(await a!.users("ch")).includes("gone"), {
        timeoutMs: 5_000,
      });
      expect(await a!.users("ch")).toEqual(["stays"]);
    });

    it("sweeps a dead node's entries once, reporting only users left with no connection", async () => {
      const [a, b, dead] = await nodesForTest(makeNodes, 3, opts);
      const swept: string[] = [];
      a!.onSwept((channelId, userId) => swept.push(`a:${channelId}:${userId}`));
      b!.onSwept((channelId, userId) => swept.push(`b:${channelId}:${userId}`));
      await dead!.add("ch", "only-dead", "d1");
      await dead!.add("ch", "only-dead", "d2");
      await dead!.add("ch", "both", "d3");
      await a!.add("ch", "both", "a1");
      await dead!.add("other", "only-dead", "d1");
      await dead!.close();

      await waitFor("both swept users to be reported", () => swept.length >= 2, { timeoutMs: 5_000 });
      // Every live node sweeps every LEASE_MS / 2; give them a few more chances to report twice.
      await sleep(LEASE_MS * 2);
      expect(sorted(swept.map((s) => s.slice(2)))).toEqual(["ch:only-dead", "other:only-dead"]);
      expect(sorted(await b!.users("ch"))).toEqual(["both"]);
      expect(await b!.users("other")).toEqual([]);

      // The survivor's connection is intact: its removal is the user's last.
      expect(await a!.remove("ch", "both", "a1")).toBe(true);
      // And the dead node's connection ids are gone: the user can come back.
      expect(await b!.add("ch", "only-dead", "d1")).toBe(true);
    });
  });
}
