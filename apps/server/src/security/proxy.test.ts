/**
 * Client addresses behind a proxy: with TRUST_PROXY=1 (one trusted hop, what `true` means) the
 * client is the address the proxy saw, the LAST X-Forwarded-For entry. Entries the client wrote
 * itself come before it and must not open fresh rate-limit buckets: not for registration, not for
 * login per address, not for the pending-socket cap. The test plays the proxy: it connects from
 * 127.0.0.1 and sends `X-Forwarded-For: <spoofed>, <real client>`, as a proxy that appends does.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PENDING_AUTH_PER_ADDRESS } from "../realtime/transport.js";
import { createBacking, startApp, type TestApp, WsClient } from "../test/harness.js";

const PASSWORD = "correct horse battery";
const REGISTER_LIMIT = 3;
const LOGIN_LIMIT = 5;

/** A different made-up address on every call: what an attacker puts in X-Forwarded-For. */
const spoofed = () => [...randomBytes(4)].join(".");

describe("TRUST_PROXY=1: a spoofed X-Forwarded-For does not escape per-address limits", () => {
  let t: TestApp;
  let n = 0;
  const uname = () => `px${process.pid}_${++n}`;
  const post = async (url: string, body: unknown, forwardedFor: string) => {
    const res = await t.app.fastify.inject({
      method: "POST",
      url: `/api/v1${url}`,
      remoteAddress: "127.0.0.1",
      headers: { "x-forwarded-for": forwardedFor },
      payload: body as object,
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  const register = (name: string, forwardedFor: string) =>
    post(
      "/auth/register",
      { username: name, email: `${name}@example.test`, password: PASSWORD },
      forwardedFor,
    );

  beforeAll(async () => {
    t = await startApp(
      await createBacking("embedded", {
        TRUST_PROXY: "1",
        RATE_REGISTER_PER_IP: String(REGISTER_LIMIT),
        RATE_LOGIN_PER_IP: String(LOGIN_LIMIT),
      }),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it("registration: the limit counts the address the proxy saw, whatever the client prepends", async () => {
    const client = "10.77.0.1";
    for (let i = 0; i < REGISTER_LIMIT; i++)
      expect((await register(uname(), `${spoofed()}, ${client}`)).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const res = await register(uname(), `${spoofed()}, ${spoofed()}, ${client}`);
      expect(res.status).toBe(429);
      expect(res.body.code).toBe("rate_limited");
    }
    // Another client behind the same proxy has its own allowance.
    expect((await register(uname(), `${spoofed()}, 10.77.0.2`)).status).toBe(201);
  });

  it("login per address: the same", async () => {
    const client = "10.77.1.1";
    for (let i = 0; i < LOGIN_LIMIT; i++)
      expect(
        (await post("/auth/login", { login: `nobody${i}`, password: "x" }, `${spoofed()}, ${client}`)).status,
      ).toBe(401);
    const res = await post("/auth/login", { login: "nobody", password: "x" }, `${spoofed()}, ${client}`);
    expect(res.status).toBe(429);
  });

  it("pending sockets: the per-address cap counts the address the proxy saw", async () => {
    const sockets: WsClient[] = [];
    const open = (forwardedFor: string) => WsClient.open(t.wsUrl, { "x-forwarded-for": forwardedFor });
    try {
      for (let i = 0; i < MAX_PENDING_AUTH_PER_ADDRESS; i++)
        sockets.push(await open(`${spoofed()}, 10.88.0.1`));
      for (let i = 0; i < 5; i++) await expect(open(`${spoofed()}, 10.88.0.1`)).rejects.toThrow(/429/);
      sockets.push(await open(`${spoofed()}, 10.88.0.2`));
    } finally {
      for (const s of sockets) s.close();
    }
  });
});
