import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { frameBinary } from "./ws-frame.js";

describe("frameBinary", () => {
  it("writes headers for each length class", () => {
    expect([...frameBinary(new Uint8Array(3)).subarray(0, 2)]).toEqual([0x82, 3]);
    expect([...frameBinary(new Uint8Array(125)).subarray(0, 2)]).toEqual([0x82, 125]);
    expect([...frameBinary(new Uint8Array(126)).subarray(0, 4)]).toEqual([0x82, 126, 0, 126]);
    expect([...frameBinary(new Uint8Array(70_000)).subarray(0, 10)]).toEqual([
      0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70,
    ]);
  });

  it("is read back byte for byte by a real WebSocket client", async () => {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const sizes = [1, 125, 126, 1_283, 65_535, 65_536, 100_000];
    const payloads = sizes.map((n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff)));
    wss.on("connection", (ws) => {
      const socket = (ws as unknown as { _socket: { write(b: Buffer): void } })._socket;
      for (const p of payloads) socket.write(frameBinary(p));
    });
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const got: Buffer[] = [];
    await new Promise<void>((resolve) => {
      client.on("message", (data: Buffer) => {
        got.push(Buffer.from(data));
        if (got.length === payloads.length) resolve();
      });
    });
    client.close();
    wss.close();
    server.close();
    expect(got.map((g) => g.toString("hex"))).toEqual(payloads.map((p) => p.toString("hex")));
  });
});
