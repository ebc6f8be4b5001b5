import { CLOSE } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenService } from "../auth/tokens.js";
import {
  type Backing,
  createBacking,
  eventually,
  MODES,
  startApp,
  TEST_JWT_SECRET,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";
import { MAX_PENDING_AUTH_PER_ADDRESS } from "./transport.js";

/**
 * The gateway on real services. Production: two instances sharing MariaDB and Redis, with the
 * two clients of each scenario on different instances. Embedded: one instance, memory engines.
 */
describe.each(MODES)("realtime gateway (%s)", (mode) => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let channelId: string;
  const open: WsClient[] = [];
  const connect = async (app: TestApp, u: TestUser) => {
    const c = await WsClient.connect(app.wsUrl, u.token);
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    backing = await createBacking(mode);
    one = await startApp(backing);
    two = mode === "production" ? await startApp(backing) : one;
    alice = await one.api.user();
    bob = await one.api.user();
    const ch = await one.api.post("/channels", { name: "Stage" }, alice.token);
    channelId = ch.body.id;
    const join = await one.api.post("/join", { code: ch.body.inviteCode }, bob.token);
    expect(join.status).toBe(200);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await one?.close();
    if (two !== one) await two?.close();
  });

  it("authenticates with the first message and answers ready", async () => {
    const c = await WsClient.open(one.wsUrl);
    c.send({ type: "auth", token: alice.token });
    const ready = await c.next("ready");
    expect(ready.user.id).toBe(alice.id);
    expect(ready.heartbeatMs).toBeGreaterThan(0);
    c.close();
  });

  it("closes 4401 on a bad token and 4400 on anything but auth first", async () => {
    const bad = await WsClient.open(one.wsUrl);
    bad.send({ type: "auth", token: `${alice.token}x` });
    expect((await bad.closed).code).toBe(CLOSE.unauthenticated);

    const early = await WsClient.open(one.wsUrl);
    early.send({ type: "subscribe", channelId });
    expect((await early.closed).code).toBe(CLOSE.protocolViolation);

    const binary = await WsClient.open(one.wsUrl);
    binary.sendBinary(Uint8Array.of(1, 0, 0, 0, 0, 1, 0, 1, 0xfc));
    expect((await binary.closed).code).toBe(CLOSE.protocolViolation);

    const garbage = await WsClient.open(one.wsUrl);
    garbage.ws.send("not json at all");
    expect((await garbage.closed).code).toBe(CLOSE.protocolViolation);
  });

  it("refuses a browser Origin that is not allowed", async () => {
    await expect(WsClient.open(one.wsUrl, { origin: "https://evil.example" })).rejects.toThrow(/403/);
  });

  it("answers bad messages with error and keeps the socket", async () => {
    const c = await connect(one, alice);
    c.send({ type: "no.such.thing" });
    expect((await c.next("error")).code).toBe("unknown_type");
    c.send({ type: "subscribe", channelId: 42 });
    expect((await c.next("error")).code).toBe("invalid_message");
    c.ws.send("{");
    expect((await c.next("error")).code).toBe("invalid_message");
    c.ws.send(JSON.stringify({ type: "ping", pad: "x".repeat(20_000) }));
    expect((await c.next("error")).code).toBe("invalid_message");
    c.sendBinary(Uint8Array.of(2, 0, 0, 0, 0, 1, 0, 1, 0xfc));
    expect((await c.next("error")).code).toBe("invalid_frame");
    c.send({ type: "subscribe", channelId: crypto.randomUUID() });
    expect((await c.next("error")).code).toBe("not_found");
    c.send({ type: "ping" });
    await c.next("pong");
  });

  it("fans messages and presence out across instances", async () => {
    const a = await connect(one, alice);
    const b = await connect(two, bob);
    const subA = await a.subscribe(channelId);
    expect(subA.lastSeq).toBeGreaterThanOrEqual(0);
    await b.subscribe(channelId);
    const joined = await a.next("presence.joined", (m) => m.user.id === bob.id);
    expect(joined.channelId).toBe(channelId);

    const post = await one.api.post(
      `/channels/${channelId}/messages`,
      { body: "hello from one", clientId: "m1" },
      alice.token,
    );
    expect(post.status).toBe(201);
    const got = await b.next("message.created", (m) => m.message.id === post.body.id);
    expect(got.message.body).toBe("hello from one");

    const back = await two.api.post(
      `/channels/${channelId}/messages`,
      { body: "hi from two", clientId: "m2" },
      bob.token,
    );
    expect((await a.next("message.created", (m) => m.message.id === back.body.id)).message.seq).toBe(
      post.body.seq + 1,
    );

    const presence = await one.api.get(`/channels/${channelId}/presence`, alice.token);
    expect(presence.body.online.map((u: { id: string }) => u.id).sort()).toEqual([alice.id, bob.id].sort());

    b.close();
    await a.next("presence.left", (m) => m.userId === bob.id);
    a.close();
  });

  it("replays exactly the messages missed while offline, in order", async () => {
    const b = await connect(two, bob);
    const { lastSeq } = await b.subscribe(channelId);
    b.close();
    await b.closed;
    const posted: number[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await one.api.post(
        `/channels/${channelId}/messages`,
        { body: `missed ${i}`, clientId: `missed-${i}` },
        alice.token,
      );
      posted.push(r.body.seq);
    }
    const again = await connect(two, bob);
    again.send({ type: "subscribe", channelId, sinceSeq: lastSeq });
    const sub = await again.next("subscribed");
    expect(sub.lastSeq).toBe(posted.at(-1));
    await eventually(() => again.of("message.created").length >= 50, 5_000, "50 replayed messages");
    // A live message after the replay arrives once, after it.
    const live = await one.api.post(
      `/channels/${channelId}/messages`,
      { body: "live", clientId: "live-1" },
      alice.token,
    );
    await again.next("message.created", (m) => m.message.id === live.body.id);
    const seqs = again.of("message.created").map((m) => m.message.seq);
    expect(seqs).toEqual([...posted, live.body.seq]);
    again.close();
  });

  it("says resync.truncated when more than 200 were missed", async () => {
    const ch = await one.api.post("/channels", { name: "Busy" }, alice.token);
    for (let i = 0; i < 210; i++) {
      await one.app.ctx.repos.messages.append(ch.body.id, {
        senderId: alice.id,
        kind: "text",
        body: `bulk ${i}`,
      });
    }
    const a = await connect(two, alice);
    a.send({ type: "subscribe", channelId: ch.body.id, sinceSeq: 0 });
    expect((await a.next("subscribed")).lastSeq).toBe(210);
    await a.next("resync.truncated");
    const seqs = a.of("message.created").map((m) => m.message.seq);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    a.close();
  });

  it("denies non-members and cuts off removed members at once", async () => {
    const mallory = await one.api.user();
    const m = await connect(two, mallory);
    m.send({ type: "subscribe", channelId });
    expect((await m.next("error")).code).toBe("not_a_member");
    expect((await one.api.get(`/channels/${channelId}/messages`, mallory.token)).status).toBe(403);
    expect(
      (await one.api.post(`/channels/${channelId}/messages`, { body: "x", clientId: "x" }, mallory.token))
        .status,
    ).toBe(403);

    const carol = await one.api.user();
    const ch = await one.api.get(`/channels/${channelId}`, alice.token);
    await one.api.post("/join", { code: ch.body.inviteCode }, carol.token);
    const c = await connect(two, carol);
    await c.subscribe(channelId);
    expect((await one.api.del(`/channels/${channelId}/members/${carol.id}`, alice.token)).status).toBe(204);
    await c.next("access.revoked", (x) => x.channelId === channelId);
    const after = await one.api.post(
      `/channels/${channelId}/messages`,
      { body: "not for carol", clientId: "nfc" },
      alice.token,
    );
    // Give any stray delivery time to arrive before asserting it did not.
    const probe = await connect(two, alice);
    await probe.subscribe(channelId);
    expect(c.of("message.created").some((x) => x.message.id === after.body.id)).toBe(false);
  });

  it("closes every socket of a session on logout, on every instance", async () => {
    const dave = await one.api.user();
    const onOne = await connect(one, dave);
    const onTwo = await connect(two, dave);
    expect((await one.api.post("/auth/logout", {}, dave.token)).status).toBe(204);
    expect((await onOne.closed).code).toBe(CLOSE.unauthenticated);
    expect((await onTwo.closed).code).toBe(CLOSE.unauthenticated);
  });

  it("unsubscribes everyone when the channel is deleted", async () => {
    const ch = await one.api.post("/channels", { name: "Temp" }, alice.token);
    const a = await connect(two, alice);
    await a.subscribe(ch.body.id);
    expect((await one.api.del(`/channels/${ch.body.id}`, alice.token)).status).toBe(204);
    await a.next("channel.deleted", (m) => m.channelId === ch.body.id);
  });
});

describe("auth deadline", () => {
  it("closes 4408 when no auth arrives within 5 s", async () => {
    const backing = await createBacking("embedded");
    const app = await startApp(backing);
    try {
      const c = await WsClient.open(app.wsUrl);
      const started = Date.now();
      expect((await c.closed).code).toBe(CLOSE.authTimeout);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    } finally {
      await app.close();
    }
  }, 15_000);
});

describe("slow consumers", () => {
  it("closes a socket whose backlog passes the bound (4429) and counts it", async () => {
    const app = await startApp(await createBacking("embedded"));
    try {
      const speaker = await app.api.user();
      const slow = await app.api.user();
      const ch = await app.api.post("/channels", { name: "Flood" }, speaker.token);
      await app.api.post("/join", { code: ch.body.inviteCode }, slow.token);
      const s = await WsClient.connect(app.wsUrl, slow.token);
      await s.subscribe(ch.body.id);
      // Stop reading on the slow client: its server-side send buffer can only grow.
      (s.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      // Fill it from the server side (the kernel's socket buffers take the first few MB).
      const conn = [...app.app.realtime.channels.hub.connections(ch.body.id)][0]!;
      const chunk = Buffer.alloc(64 * 1024, 1);
      for (let i = 0; i < 2_000 && !conn.closed; i++) conn.sendBytes(chunk, true);
      expect(conn.closed).toBe(true);
      expect(app.app.realtime.metrics.slowClosed).toBe(1);
      (s.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect((await s.closed).code).toBe(CLOSE.rateLimited);
    } finally {
      await app.close();
    }
  });
});

describe("pre-auth bound", () => {
  it("refuses upgrades beyond the pending-auth cap per address, and frees slots on auth", async () => {
    const app = await startApp(await createBacking("embedded"));
    const sockets: WsClient[] = [];
    try {
      const u = await app.api.user();
      for (let i = 0; i < MAX_PENDING_AUTH_PER_ADDRESS; i++) sockets.push(await WsClient.open(app.wsUrl));
      await expect(WsClient.open(app.wsUrl)).rejects.toThrow(/429/);
      // Authenticating one frees its slot.
      sockets[0]!.send({ type: "auth", token: u.token });
      await sockets[0]!.next("ready");
      const extra = await WsClient.open(app.wsUrl);
      sockets.push(extra);
      await expect(WsClient.open(app.wsUrl)).rejects.toThrow(/429/);
      // Closing one frees a slot too.
      sockets[1]!.close();
      await sockets[1]!.closed;
      await eventually(
        async () => {
          const c = await WsClient.open(app.wsUrl);
          sockets.push(c);
          return true;
        },
        3_000,
        "a free slot",
      );
    } finally {
      for (const s of sockets) s.close();
      await app.close();
    }
  });
});

describe("long-lived tokens", () => {
  it("keeps a socket whose token expires beyond the 24.8-day timer limit open", async () => {
    const app = await startApp(await createBacking("embedded"));
    try {
      const u = await app.api.user();
      const tokens = new TokenService(TEST_JWT_SECRET, 40 * 24 * 3600);
      const { token } = await tokens.issueAccess(u.id, crypto.randomUUID());
      const c = await WsClient.connect(app.wsUrl, token);
      const closed = await Promise.race([
        c.closed.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 500)),
      ]);
      expect(closed).toBe(false);
      c.send({ type: "ping" });
      await c.next("pong");
      c.close();
    } finally {
      await app.close();
    }
  });
});
