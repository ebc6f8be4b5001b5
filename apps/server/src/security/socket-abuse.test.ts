/**
 * What one user can make the server hold or send over sockets: sockets surviving a logout that
 * raced their auth, replays amplified by re-subscribing, unbounded history reads, unbounded
 * sockets per user. Each case was a defect found by an adversarial review.
 */
import { CLOSE } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Backing,
  createBacking,
  eventually,
  MODES,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";

describe("a logout racing auth on the other instance", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    backing = await createBacking("production");
    [one, two] = await Promise.all([startApp(backing), startApp(backing)]);
  });
  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
  });

  it("closes a socket whose auth was between its revocation check and ready when the notice came", async () => {
    const user = await one.api.user();
    const login = await one.api.post("/auth/login", {
      login: user.username,
      password: "correct horse battery",
    });
    const { accessToken: token } = login.body;
    const users = two.app.ctx.repos.users;
    const profile = users.profile.bind(users);
    // Hold the auth after its revocation check (the real repository answers afterwards) until
    // the logout's notice has been handled on this instance.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let checked!: () => void;
    const reached = new Promise<void>((r) => (checked = r));
    users.profile = async (id) => {
      checked();
      await gate;
      return profile(id);
    };
    const noticed = new Promise<void>((r) => two.app.ctx.engines.revocations.onRevoked(() => r()));
    const s = await WsClient.open(two.wsUrl);
    try {
      s.send({ type: "auth", token });
      await reached;
      expect((await one.api.post("/auth/logout", {}, token)).status).toBe(204);
      await noticed;
      release();
      const outcome = await Promise.race([
        s.closed,
        new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 3_000)),
      ]);
      expect(outcome.code).toBe(CLOSE.unauthenticated);
      expect(s.of("ready")).toHaveLength(0);
    } finally {
      users.profile = profile;
      release();
      s.close();
    }
  });

  it("leaves no socket of the revoked session open", async () => {
    const user = await one.api.user();
    const rounds = 20;
    const perRound = 16;
    const survivors: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const login = await one.api.post("/auth/login", {
        login: user.username,
        password: "correct horse battery",
      });
      expect(login.status).toBe(200);
      const token = login.body.accessToken as string;
      const sockets = await Promise.all(Array.from({ length: perRound }, () => WsClient.open(two.wsUrl)));
      const logout = one.api.post("/auth/logout", {}, token);
      // The auths land over the logout's whole course (it takes a few milliseconds).
      for (const [i, s] of sockets.entries()) setTimeout(() => s.send({ type: "auth", token }), i);
      expect((await logout).status).toBe(204);
      // Every socket either was refused or is closed once the revocation notice is in.
      await eventually(
        () => sockets.every((s) => s.ws.readyState === s.ws.CLOSED),
        2_000,
        "every socket to close",
      ).catch(() => undefined);
      survivors.push(sockets.filter((s) => s.ws.readyState !== s.ws.CLOSED).length);
      for (const s of sockets) s.close();
    }
    expect(survivors).toEqual(new Array(rounds).fill(0));
  });
});

describe.each(MODES)("replay and history limits (%s)", (mode) => {
  let backing: Backing;
  let t: TestApp;
  let A: TestUser;
  let channelId: string;
  const body = "x".repeat(3_900);

  beforeAll(async () => {
    backing = await createBacking(mode);
    t = await startApp(backing, { env: { MAX_SOCKETS_PER_USER: "3" } });
    A = await t.api.user();
    channelId = (await t.api.post("/channels", { name: "Long" }, A.token)).body.id;
    for (let i = 0; i < 200; i++)
      await t.api.post(`/channels/${channelId}/messages`, { body, clientId: `m${i}` }, A.token);
  });
  afterAll(() => t.close());

  it("re-subscribing with an old sinceSeq replays nothing already sent", async () => {
    const a = await WsClient.connect(t.wsUrl, A.token);
    try {
      a.send({ type: "subscribe", channelId, sinceSeq: 0 });
      await eventually(() => a.of("message.created").length === 200, 5_000, "the first replay");
      for (let i = 0; i < 20; i++) a.send({ type: "subscribe", channelId, sinceSeq: 0 });
      await eventually(() => a.of("subscribed").length === 21, 5_000, "every subscribe answered");
      expect(a.of("message.created")).toHaveLength(200);
      // What came after the first subscribe still arrives (live, or replayed on a re-subscribe).
      await t.api.post(`/channels/${channelId}/messages`, { body: "late", clientId: "late" }, A.token);
      await eventually(() => a.of("message.created").some((m) => m.message.body === "late"), 5_000, "late");
    } finally {
      a.close();
    }
  });

  it("meters the bytes replayed to one socket: past the budget the client is told to page", async () => {
    const a = await WsClient.connect(t.wsUrl, A.token);
    let bytes = 0;
    a.ws.on("message", (data: Buffer) => {
      bytes += data.length;
    });
    try {
      for (let i = 0; i < 12; i++) {
        a.send({ type: "subscribe", channelId, sinceSeq: 0 });
        await a.next("subscribed");
        a.send({ type: "unsubscribe", channelId });
        await a.next("unsubscribed");
      }
      // 12 full replays would be ~10 MB; the budget is 4 MiB plus a trickle.
      expect(bytes).toBeLessThan(5.5 * 1024 * 1024);
      expect(a.of("resync.truncated").length).toBeGreaterThan(0);
    } finally {
      a.close();
    }
  });

  it("caps the sockets one user holds (4409)", async () => {
    const U = await t.api.user();
    const held = await Promise.all([0, 1, 2].map(() => WsClient.connect(t.wsUrl, U.token)));
    const extra = await WsClient.open(t.wsUrl);
    extra.send({ type: "auth", token: U.token });
    expect((await extra.closed).code).toBe(CLOSE.tooManyConnections);
    // Closing one frees its place.
    held[0]!.close();
    await held[0]!.closed;
    await eventually(async () => {
      const again = await WsClient.open(t.wsUrl);
      again.send({ type: "auth", token: U.token });
      const first = await Promise.race([
        again.next("ready").then(() => "ready"),
        again.closed.then(() => "closed"),
      ]);
      again.close();
      return first === "ready";
    }, 3_000);
    for (const s of held) s.close();
  });
});

describe("history reads are rate-limited per user", () => {
  let t: TestApp;
  afterAll(() => t.close());

  it("REST pages and socket replays share one budget", async () => {
    t = await startApp(await createBacking("embedded"), { env: { RATE_HISTORY_PER_USER: "5" } });
    const A = await t.api.user();
    const ch = (await t.api.post("/channels", { name: "H" }, A.token)).body.id;
    await t.api.post(`/channels/${ch}/messages`, { body: "one", clientId: "one" }, A.token);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.api.get(`/channels/${ch}/messages`, A.token)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const a = await WsClient.connect(t.wsUrl, A.token);
    try {
      await a.subscribe(ch, 0);
      await a.next("message.created");
      const limited = await t.api.get(`/channels/${ch}/messages`, A.token);
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe("rate_limited");
      a.send({ type: "unsubscribe", channelId: ch });
      await a.next("unsubscribed");
      await a.subscribe(ch, 0);
      expect(await a.next("resync.truncated")).toMatchObject({ channelId: ch });
    } finally {
      a.close();
    }
  });
});
