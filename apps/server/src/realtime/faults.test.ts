import { encodeAudioFrame } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMariaDb, startRedis } from "../../../../scripts/services.mjs";
import { silencePackets } from "../audio/test-speech.js";
import {
  createBacking,
  eventually,
  recordFigure,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const packet = silencePackets(1)[0]!;

/** Sends a frame of whatever stream `state.streamId` names every 20 ms until stopped. */
function streamer(c: WsClient) {
  const state = { streamId: 0, seq: 0, running: true };
  const timer = setInterval(() => {
    if (state.streamId && c.ws.readyState === 1)
      c.sendBinary(encodeAudioFrame(state.streamId, state.seq++, packet));
  }, 20);
  return {
    state,
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * Faults in the real services under live traffic: Redis killed and restarted, Redis paused,
 * MariaDB stopped. Two instances; each test owns the service it breaks.
 */
describe("fault injection", () => {
  describe("Redis killed and restarted mid-transmission and mid-chat", () => {
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let one: TestApp;
    let two: TestApp;
    let alice: TestUser;
    let bob: TestUser;
    let channelId: string;

    beforeAll(async () => {
      redis = await startRedis();
      const backing = await createBacking("production", { REDIS_URL: redis.url, FLOOR_LEASE_MS: "1000" });
      one = await startApp(backing);
      two = await startApp(backing);
      alice = await one.api.user();
      bob = await one.api.user();
      const ch = await one.api.post("/channels", { name: "Outage" }, alice.token);
      channelId = ch.body.id;
      await one.api.post("/join", { code: ch.body.inviteCode }, bob.token);
    });

    afterAll(async () => {
      await one?.close();
      await two?.close();
      await redis?.destroy();
    });

    it("ends the transmission safely, never grants a second speaker, and recovers within seconds", async () => {
      const a = await WsClient.connect(one.wsUrl, alice.token);
      const b = await WsClient.connect(two.wsUrl, bob.token);
      await a.subscribe(channelId);
      await b.subscribe(channelId);
      const s = streamer(a);
      try {
        a.send({ type: "ptt.start", channelId });
        s.state.streamId = (await a.next("ptt.granted")).streamId;
        await eventually(() => b.frames.length >= 10, 3_000, "frames before the outage");

        const killedAt = Date.now();
        await redis.kill();
        // The speaker's node cannot renew the lease: it stops rather than risk two speakers.
        const stopped = await a.next("speaker.stopped", (m) => m.streamId === s.state.streamId, 6_000);
        expect(stopped.reason).toBe("timeout");
        recordFigure("redis-kill: speaker stopped after", Date.now() - killedAt, "ms");
        s.state.streamId = 0;
        // Nobody gets the floor while its store is down.
        b.send({ type: "ptt.start", channelId });
        const answer = await Promise.race([
          b.next("error").then((e) => e.code),
          b.next("ptt.granted").then(() => "granted"),
        ]);
        expect(answer).toBe("unavailable");
        // REST answers 503 instead of hanging or crashing.
        const during = await one.api.post(
          `/channels/${channelId}/messages`,
          { body: "during", clientId: "during" },
          alice.token,
        );
        expect(during.status).toBe(503);
        expect(during.body.code).toBe("unavailable");

        const restartedAt = Date.now();
        await redis.restart();
        await b.next("resync.truncated", () => true, 10_000);
        recordFigure("redis-restart: clients told to resync after", Date.now() - restartedAt, "ms");
        await eventually(
          async () => (await one.app.ctx.engines.healthy()) && (await two.app.ctx.engines.healthy()),
          10_000,
          "engines healthy",
        );

        // Live traffic resumes: a new transmission reaches the other instance, and chat flows.
        const framesBefore = b.frames.length;
        a.send({ type: "ptt.start", channelId });
        s.state.streamId = (await a.next("ptt.granted", () => true, 5_000)).streamId;
        await eventually(() => b.frames.length >= framesBefore + 10, 5_000, "frames after recovery");
        recordFigure(
          "redis-restart: live audio across instances again after",
          Date.now() - restartedAt,
          "ms",
        );
        const post = await one.api.post(
          `/channels/${channelId}/messages`,
          { body: "after", clientId: "after" },
          alice.token,
        );
        expect(post.status).toBe(201);
        await b.next("message.created", (m) => m.message.id === post.body.id);
        a.send({ type: "ptt.stop", channelId });
        await a.next("ptt.stopped");
      } finally {
        s.stop();
        a.close();
        b.close();
      }
    }, 40_000);
  });

  describe("Redis paused (SIGSTOP)", () => {
    it("fails requests fast instead of hanging, and recovers", async () => {
      const redis = await startRedis();
      const backing = await createBacking("production", { REDIS_URL: redis.url });
      const one = await startApp(backing);
      const two = await startApp(backing);
      try {
        const alice = await one.api.user();
        const bob = await one.api.user();
        const ch = await one.api.post("/channels", { name: "Paused" }, alice.token);
        await one.api.post("/join", { code: ch.body.inviteCode }, bob.token);
        const a = await WsClient.connect(one.wsUrl, alice.token);
        const b = await WsClient.connect(two.wsUrl, bob.token);
        await a.subscribe(ch.body.id);
        await b.subscribe(ch.body.id);
        a.send({ type: "ptt.start", channelId: ch.body.id });
        const { streamId } = await a.next("ptt.granted");
        const s = streamer(a);
        s.state.streamId = streamId;

        redis.pause();
        const t0 = Date.now();
        const res = await one.api.get(`/channels/${ch.body.id}`, alice.token);
        expect(res.status).toBe(503);
        recordFigure("redis-sigstop: request answered 503 after", Date.now() - t0, "ms");
        expect(Date.now() - t0).toBeLessThan(5_000);
        await sleep(1_500);
        expect((await one.api.get("/healthz")).status).toBe(200);
        redis.resume();
        s.stop();

        await eventually(
          async () => (await one.api.get(`/channels/${ch.body.id}`, alice.token)).status === 200,
          10_000,
          "REST back",
        );
        // Whatever happened to the paused transmission, the floor is usable again.
        await eventually(
          async () => {
            b.send({ type: "ptt.start", channelId: ch.body.id });
            const m = await Promise.race([
              b.next("ptt.granted", () => true, 2_000).then(() => true),
              b.next("ptt.denied", () => true, 2_000).then(() => false),
            ]);
            return m;
          },
          10_000,
          "floor free again",
        );
        const post = await one.api.post(
          `/channels/${ch.body.id}/messages`,
          { body: "resumed", clientId: "resumed" },
          alice.token,
        );
        expect(post.status).toBe(201);
        await b.next("message.created", (m) => m.message.id === post.body.id);
        a.close();
        b.close();
      } finally {
        redis.resume();
        await one.close();
        await two.close();
        await redis.destroy();
      }
    }, 40_000);
  });

  describe("MariaDB stopped during chat", () => {
    it("answers 503, writes nothing half-way, and keeps every accepted message after restart", async () => {
      const maria = await startMariaDb();
      const { createConnection } = await import("mysql2/promise");
      const conn = await createConnection(maria.url);
      await conn.query("CREATE DATABASE chat");
      await conn.end();
      const backing = await createBacking("production", { DATABASE_URL: `${maria.url}/chat` });
      const one = await startApp(backing);
      const two = await startApp(backing);
      try {
        const alice = await one.api.user();
        const bob = await one.api.user();
        const ch = await one.api.post("/channels", { name: "Chat" }, alice.token);
        await one.api.post("/join", { code: ch.body.inviteCode }, bob.token);
        const b = await WsClient.connect(two.wsUrl, bob.token);
        await b.subscribe(ch.body.id);

        const accepted: string[] = [];
        const statuses: number[] = [];
        const post = async (i: number) => {
          const r = await one.api.post(
            `/channels/${ch.body.id}/messages`,
            { body: `m${i}`, clientId: `c${i}` },
            alice.token,
          );
          statuses.push(r.status);
          if (r.status === 201) accepted.push(r.body.id);
          else expect(r.body.code).toBe("unavailable");
        };
        for (let i = 0; i < 10; i++) await post(i);
        await maria.stop();
        for (let i = 10; i < 20; i++) await post(i);
        expect(statuses.slice(10).every((s) => s === 503)).toBe(true);
        expect((await one.api.get("/readyz")).status).toBe(503);
        await maria.restart();
        await eventually(
          async () => (await one.api.get("/readyz")).status === 200,
          15_000,
          "ready after restart",
        );
        for (let i = 20; i < 30; i++) await post(i);
        expect(accepted).toHaveLength(20);
        recordFigure("mariadb-stop: posts accepted (201)", accepted.length, "messages");
        recordFigure(
          "mariadb-stop: posts refused (503) while down",
          statuses.filter((x) => x === 503).length,
          "messages",
        );

        const history = await two.api.get(`/channels/${ch.body.id}/messages?limit=200`, bob.token);
        const ids = history.body.messages.map((m: { id: string }) => m.id);
        expect(ids).toEqual(accepted);
        recordFigure("mariadb-stop: accepted posts found in history", ids.length, "messages");
        const seqs = history.body.messages.map((m: { seq: number }) => m.seq);
        expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        await eventually(
          () => b.of("message.created").length === 20,
          5_000,
          "live delivery of accepted messages",
        );
        b.close();
      } finally {
        await one.close();
        await two.close();
        await maria.destroy();
      }
    }, 60_000);
  });
});
