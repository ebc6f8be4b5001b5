/**
 * A database outage in production mode: the test runs its own MariaDB, stops it under a live
 * app, and expects every request that needs the database to fail fast with 503 `unavailable`
 * problem+json (no crash, no hang), /readyz to say so, and everything to work again, with no
 * accepted data lost, once MariaDB is back.
 */
import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startMariaDb,
  startRedis,
  type ThrowawayMariaDb,
  type ThrowawayRedis,
} from "../../../../scripts/services.mjs";
import {
  createBacking,
  eventually,
  type Res,
  startApp,
  type TestApp,
  type TestUser,
} from "../test/harness.js";
import { withDeadline } from "../test/wait.js";

/** Far below the test timeout: a request that takes longer than this counts as a hang. */
const REQUEST_BOUND_MS = 10_000;

const bounded = <T>(what: string, p: Promise<T>): Promise<T> => withDeadline(what, p, REQUEST_BOUND_MS);

function expectUnavailable(what: string, res: Res) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(503);
  expect(String(res.headers["content-type"]), what).toMatch(/^application\/problem\+json/);
  expect(res.body, what).toMatchObject({
    status: 503,
    code: "unavailable",
    type: expect.any(String),
    title: expect.any(String),
  });
}

describe("database outage (production)", () => {
  let maria: ThrowawayMariaDb;
  let t: TestApp;
  let U: TestUser;
  let eventId: string;
  let channelId: string;
  let inviteCode: string;

  beforeAll(async () => {
    maria = await startMariaDb();
    const name = `won_${randomBytes(6).toString("hex")}`;
    const conn = await createConnection(maria.url);
    await conn.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
    t = await startApp(
      await createBacking("production", {
        DATABASE_URL: `${maria.url}/${name}`,
        DATABASE_QUERY_TIMEOUT_MS: "1500",
      }),
    );

    U = await t.api.user();
    const ev = await t.api.post("/events", { name: "Before the outage" }, U.token);
    eventId = ev.body.id;
    inviteCode = ev.body.inviteCode;
    channelId = (await t.api.post("/channels", { name: "Ops", eventId }, U.token)).body.id;
    for (let i = 1; i <= 3; i++)
      expect(
        (await t.api.post(`/channels/${channelId}/messages`, { body: `m${i}`, clientId: `c${i}` }, U.token))
          .status,
      ).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await maria?.destroy();
  });

  it("503 unavailable while MariaDB is down, /readyz 503, and all is well after it restarts", async () => {
    const other = await t.api.user();
    expect((await t.api.get("/readyz")).status).toBe(200);

    // Requests in flight while the server goes away, then requests against a dead server.
    const inFlight = Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.api.post(`/channels/${channelId}/messages`, { body: `racing ${i}`, clientId: `r${i}` }, U.token),
      ),
    );
    await maria.stop();
    for (const r of await bounded("requests in flight", inFlight))
      expect([201, 503], JSON.stringify(r.body)).toContain(r.status);

    const needsDb: [string, () => Promise<Res>][] = [
      ["GET /me", () => t.api.get("/me", U.token)],
      ["PATCH /me", () => t.api.patch("/me", { displayName: "x" }, U.token)],
      [
        "POST /auth/login",
        () => t.api.post("/auth/login", { login: U.username, password: "correct horse battery" }),
      ],
      [
        "POST /auth/register",
        () =>
          t.api.post("/auth/register", {
            username: "during_outage",
            email: "during@outage.test",
            password: "long enough",
          }),
      ],
      ["POST /auth/refresh", () => t.api.post("/auth/refresh", { refreshToken: other.refreshToken })],
      ["GET /events", () => t.api.get("/events", U.token)],
      ["POST /events", () => t.api.post("/events", { name: "During" }, U.token)],
      ["GET /events/:id", () => t.api.get(`/events/${eventId}`, U.token)],
      ["PATCH /events/:id", () => t.api.patch(`/events/${eventId}`, { name: "During" }, U.token)],
      ["GET /channels", () => t.api.get("/channels", U.token)],
      ["GET messages", () => t.api.get(`/channels/${channelId}/messages`, U.token)],
      [
        "POST message",
        () => t.api.post(`/channels/${channelId}/messages`, { body: "lost?", clientId: "d1" }, U.token),
      ],
      ["POST /join", () => t.api.post("/join", { code: inviteCode }, other.token)],
    ];
    // Twice: the first round meets pooled connections the server closed, the second none at all.
    for (let round = 0; round < 2; round++) {
      for (const [what, call] of needsDb)
        expectUnavailable(`${what} (round ${round + 1})`, await bounded(what, call()));
    }
    // Concurrent requests do not pile up either.
    const burst = await bounded(
      "a burst",
      Promise.all(Array.from({ length: 20 }, () => t.api.get("/events", U.token))),
    );
    for (const r of burst) expectUnavailable("burst", r);

    const ready = await bounded("/readyz", t.api.get("/readyz"));
    expectUnavailable("/readyz", ready);
    expect(ready.body.checks).toMatchObject({ database: false, broker: true });
    // Liveness does not depend on the database, and validation still answers 400 first.
    expect((await t.api.get("/healthz")).status).toBe(200);
    expect((await t.api.post("/events", { name: 5 }, U.token)).status).toBe(400);
    expect((await t.api.get("/me")).status).toBe(401);

    await maria.restart();

    await eventually(
      async () => (await t.api.get("/readyz")).status === 200,
      20_000,
      "/readyz after the restart",
    );
    const me = await eventually(
      async () => {
        const r = await t.api.get("/me", U.token);
        return r.status === 200 ? r : undefined;
      },
      20_000,
      "GET /me after the restart",
    );
    expect(me!.body.id).toBe(U.id);

    // Nothing accepted before the outage was lost.
    const event = await t.api.get(`/events/${eventId}`, U.token);
    expect(event.status).toBe(200);
    expect(event.body).toMatchObject({
      name: "Before the outage",
      channels: [expect.objectContaining({ id: channelId })],
    });
    const history = await t.api.get(`/channels/${channelId}/messages?limit=200`, U.token);
    const bodies = (history.body.messages as { body: string; seq: number }[]).map((m) => m.body);
    expect(bodies.slice(0, 3)).toEqual(["m1", "m2", "m3"]);
    // Whatever was accepted while the server went away is there, without gaps.
    const seqs = (history.body.messages as { seq: number }[]).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(bodies).not.toContain("lost?");

    // And everything works again: writes, logins, refreshes, joins.
    const after = await t.api.post(
      `/channels/${channelId}/messages`,
      { body: "after", clientId: "a1" },
      U.token,
    );
    expect(after.status).toBe(201);
    expect(after.body.seq).toBe(seqs.length + 1);
    expect(
      (await t.api.post("/auth/login", { login: U.username, password: "correct horse battery" })).status,
    ).toBe(200);
    expect((await t.api.post("/auth/refresh", { refreshToken: other.refreshToken })).status).toBe(200);
    expect((await t.api.post("/join", { code: inviteCode }, other.token)).body.event.memberCount).toBe(2);
    expect((await t.api.post("/events", { name: "After" }, U.token)).status).toBe(201);
  }, 120_000);

  /** Waits until the app serves U's history again; returns its seqs. */
  async function recovered(): Promise<number[]> {
    await eventually(
      async () => (await t.api.get("/readyz")).status === 200,
      20_000,
      "/readyz after recovery",
    );
    const history = await eventually(
      async () => {
        const r = await t.api.get(`/channels/${channelId}/messages?limit=200`, U.token);
        return r.status === 200 ? r : undefined;
      },
      20_000,
      "history after recovery",
    );
    return (history!.body.messages as { seq: number }[]).map((m) => m.seq);
  }

  it("a crash (SIGKILL) mid-write: 503s, then recovery with gap-free history", async () => {
    const before = await recovered();
    const inFlight = Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.api.post(`/channels/${channelId}/messages`, { body: `crash ${i}`, clientId: `k${i}` }, U.token),
      ),
    );
    await maria.kill();
    const results = await bounded("writes during the crash", inFlight);
    for (const r of results) expect([201, 503], JSON.stringify(r.body)).toContain(r.status);
    expectUnavailable(
      "GET /events after the crash",
      await bounded("GET /events", t.api.get("/events", U.token)),
    );
    expectUnavailable("/readyz after the crash", await bounded("/readyz", t.api.get("/readyz")));

    await maria.restart();
    const seqs = await recovered();
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBeGreaterThanOrEqual(before.length);
    // Every write answered 201 survived the crash (InnoDB commits are durable at the OS level).
    const history = (await t.api.get(`/channels/${channelId}/messages?limit=200`, U.token)).body.messages as {
      id: string;
    }[];
    const ids = new Set(history.map((m) => m.id));
    for (const r of results.filter((r) => r.status === 201)) expect(ids.has(r.body.id)).toBe(true);
    // A retry of a write that failed with 503 is accepted once (clientId idempotency).
    for (let i = 0; i < 10; i++) {
      const retry = await t.api.post(
        `/channels/${channelId}/messages`,
        { body: `crash ${i}`, clientId: `k${i}` },
        U.token,
      );
      expect([200, 201]).toContain(retry.status);
      expect(retry.body.body).toBe(`crash ${i}`);
    }
    const after = await recovered();
    expect(after).toEqual(Array.from({ length: after.length }, (_, i) => i + 1));
  }, 120_000);

  it("a hung database (SIGSTOP) gives bounded 503s, not hanging requests; it recovers on SIGCONT", async () => {
    await recovered();
    maria.pause();
    try {
      const started = Date.now();
      const results = await bounded(
        "requests to a hung database",
        Promise.all([
          t.api.get("/me", U.token),
          t.api.get("/events", U.token),
          t.api.post(`/channels/${channelId}/messages`, { body: "hung", clientId: "h1" }, U.token),
          t.api.get("/readyz"),
        ]),
      );
      for (const r of results) expectUnavailable("request to a hung database", r);
      expect(Date.now() - started).toBeLessThan(REQUEST_BOUND_MS);
    } finally {
      maria.resume();
    }
    const seqs = await recovered();
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  }, 120_000);
});

describe("Redis outage (production)", () => {
  let redis: ThrowawayRedis;
  let t: TestApp;
  let U: TestUser;
  let channelId: string;

  beforeAll(async () => {
    redis = await startRedis();
    t = await startApp(await createBacking("production", { REDIS_URL: redis.url }));
    U = await t.api.user();
    channelId = (await t.api.post("/channels", { name: "Ops" }, U.token)).body.id;
    expect(
      (await t.api.post(`/channels/${channelId}/messages`, { body: "m1", clientId: "c1" }, U.token)).status,
    ).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
  });

  /** Requests that need Redis (rate limits, revocations, presence, floor, fan-out). */
  const calls = (): [string, () => Promise<Res>][] => [
    [
      "POST /auth/login",
      () => t.api.post("/auth/login", { login: U.username, password: "correct horse battery" }),
    ],
    ["GET /me", () => t.api.get("/me", U.token)],
    [
      "POST message",
      () => t.api.post(`/channels/${channelId}/messages`, { body: "during", clientId: "d1" }, U.token),
    ],
    ["GET presence", () => t.api.get(`/channels/${channelId}/presence`, U.token)],
  ];

  async function expectServedOrUnavailable() {
    for (const [what, call] of calls()) {
      const res = await bounded(what, call());
      // Served from what the instance knows, or refused as a dependency outage: never a 500.
      if (res.status !== 200 && res.status !== 201) expectUnavailable(what, res);
    }
    expectUnavailable("/readyz", await bounded("/readyz", t.api.get("/readyz")));
  }

  async function recovers() {
    await eventually(
      async () => (await t.api.get("/readyz")).status === 200,
      20_000,
      "/readyz after Redis returns",
    );
    await eventually(
      async () =>
        (await t.api.post("/auth/login", { login: U.username, password: "correct horse battery" })).status ===
        200,
      20_000,
      "login after Redis returns",
    );
    const post = await t.api.post(
      `/channels/${channelId}/messages`,
      { body: "after", clientId: `a${Date.now()}` },
      U.token,
    );
    expect(post.status).toBe(201);
    const seqs = (
      (await t.api.get(`/channels/${channelId}/messages`, U.token)).body.messages as { seq: number }[]
    ).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  }

  it("Redis stopped: bounded 200/503 answers, never a 500; recovers after a restart", async () => {
    await redis.stop();
    await expectServedOrUnavailable();
    await redis.restart();
    await recovers();
  }, 120_000);

  it("Redis hung (SIGSTOP): bounded 200/503 answers, never a 500; recovers on SIGCONT", async () => {
    redis.pause();
    try {
      await expectServedOrUnavailable();
    } finally {
      redis.resume();
    }
    await recovers();
  }, 120_000);
});
