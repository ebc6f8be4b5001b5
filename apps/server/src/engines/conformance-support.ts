// Helpers shared by the engine conformance suites and their test files (not used by the server).
import { randomBytes } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import { onTestFinished } from "vitest";
import { quit } from "./redis-connection.js";

/** Several engine instances acting as separate nodes of one deployment, and how to dispose of them. */
export interface NodeSet<T> {
  nodes: T[];
  close(): Promise<void>;
}

/** Builds `count` nodes sharing one backend (one memory hub, or one Redis with a fresh key prefix). */
export type MakeNodes<T, O = Record<string, never>> = (count: number, opts?: O) => Promise<NodeSet<T>>;

/** Makes nodes and closes them when the current test ends, pass or fail. */
export async function nodesForTest<T, O>(make: MakeNodes<T, O>, count: number, opts?: O): Promise<T[]> {
  const set = await make(count, opts);
  onTestFinished(() => set.close());
  return set.nodes;
}

/** Polling with a deadline, shared with every other server suite. */
export { sleep, waitFor } from "../test/wait.js";

/** The Redis of the test run; throws (failing the test) when `npm test` did not provide one. */
export function requireRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error("TEST_REDIS_URL is not set: run the suites with `npm test` (scripts/test.mjs)");
  return url;
}

/** A key prefix no other test uses. */
export const uniquePrefix = () => `test:${randomBytes(6).toString("hex")}:`;

/** Test connections that reconnect fast; `connections.closeAll()` quits every one opened. */
export function redisConnections(url: string) {
  const opened: Redis[] = [];
  return {
    open(extra: Pick<RedisOptions, "autoResubscribe" | "retryStrategy"> = {}): Redis {
      const conn = new Redis(url, {
        retryStrategy: (times) => Math.min(50 * times, 500),
        maxRetriesPerRequest: 2,
        ...extra,
      });
      conn.on("error", () => {}); // expected while a test stops Redis; assertions catch real trouble
      opened.push(conn);
      return conn;
    },
    async closeAll(): Promise<void> {
      await Promise.all(opened.map((c) => quit(c)));
    },
  };
}
