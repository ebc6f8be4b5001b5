import { describe, expect, it } from "vitest";
import { type MakeNodes, nodesForTest, sleep, waitFor } from "./conformance-support.js";
import type { TokenRevocations } from "./token-revocations.js";

/**
 * The {@link TokenRevocations} contract, run against every implementation. `makeNodes(n)` returns
 * n instances acting as separate nodes of one deployment, ready to hear each other.
 */
export function describeTokenRevocationsConformance(
  name: string,
  makeNodes: MakeNodes<TokenRevocations>,
): void {
  describe(`TokenRevocations conformance: ${name}`, () => {
    it("revokes a session on every node at once", async () => {
      const [a, b, c] = await nodesForTest(makeNodes, 3);
      expect(await b!.isRevoked("s1")).toBe(false);
      await a!.revokeSession("s1", Date.now() + 60_000);
      for (const node of [a!, b!, c!]) expect(await node.isRevoked("s1")).toBe(true);
      expect(await c!.isRevoked("s2")).toBe(false);
    });

    it("tells the listeners of every node, the revoking one included, exactly once", async () => {
      const nodes = await nodesForTest(makeNodes, 3);
      const heard = nodes.map(() => [] as string[]);
      nodes.forEach((node, i) => {
        node.onRevoked((sid) => heard[i]!.push(sid));
      });
      await nodes[0]!.revokeSession("s1", Date.now() + 60_000);
      await waitFor("every node to hear s1", () => heard.every((h) => h.includes("s1")));
      // A second revocation from another node: once every node has heard it, any duplicate of the
      // first would have arrived too.
      await nodes[1]!.revokeSession("s2", Date.now() + 60_000);
      await waitFor("every node to hear s2", () => heard.every((h) => h.includes("s2")));
      for (const h of heard) expect(h).toEqual(["s1", "s2"]);
    });

    it("forgets a revocation after untilMs", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      await a!.revokeSession("short", Date.now() + 300);
      expect(await b!.isRevoked("short")).toBe(true);
      await waitFor("the revocation to lapse", async () => !(await b!.isRevoked("short")), {
        timeoutMs: 3_000,
      });
      expect(await a!.isRevoked("short")).toBe(false);
    });

    it("does not shorten a longer revocation, and ignores one already over", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      await a!.revokeSession("s", Date.now() + 60_000);
      await b!.revokeSession("s", Date.now() + 100);
      await a!.revokeSession("past", Date.now() - 1_000);
      await sleep(200);
      expect(await a!.isRevoked("s")).toBe(true);
      expect(await b!.isRevoked("s")).toBe(true);
      expect(await b!.isRevoked("past")).toBe(false);
    });
  });
}
