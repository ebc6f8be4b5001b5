import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { settleWithin, TimeoutError } from "./settle-within.js";

/** A real socket pair: what the peer writes is read by this process's poll phase. */
async function socketPair(): Promise<{ local: Socket; peer: Socket; close(): void }> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const accepted = once(server, "connection") as Promise<[Socket]>;
  const local = connect((server.address() as { port: number }).port, "127.0.0.1");
  await once(local, "connect");
  const [peer] = await accepted;
  return {
    local,
    peer,
    close() {
      local.destroy();
      peer.destroy();
      server.close();
    },
  };
}

describe("settleWithin", () => {
  it("an answer that arrived in time is not lost to a timer that fired during a loop stall", async () => {
    const { local, peer, close } = await socketPair();
    try {
      const answer = once(local, "data").then(([d]) => String(d));
      const bounded = settleWithin(answer, 50, "echo");
      // A plain timer race set up the same way, for contrast: it reads the answer as missing.
      const naive = Promise.race([
        answer,
        new Promise<string>((_, reject) => setTimeout(() => reject(new Error("timed out")), 50)),
      ]).then(
        (v) => v,
        (err: Error) => err.message,
      );
      peer.write("pong");
      const until = Date.now() + 200; // the answer is in the socket; the loop is busy
      while (Date.now() < until) {
        /* synchronous stall */
      }
      await expect(bounded).resolves.toBe("pong");
      expect(await naive).toBe("timed out");
    } finally {
      close();
    }
  });

  it("rejects with TimeoutError when no answer comes", async () => {
    const started = Date.now();
    await expect(settleWithin(new Promise(() => undefined), 50, "nothing")).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("passes a rejection through, and does not reject after settling", async () => {
    await expect(settleWithin(Promise.reject(new Error("no")), 50, "x")).rejects.toThrow("no");
    await expect(settleWithin(Promise.resolve(7), 20, "x")).resolves.toBe(7);
  });
});
