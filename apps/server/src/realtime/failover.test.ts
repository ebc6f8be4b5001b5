import { encodeAudioFrame } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../../scripts/services.mjs";
import { silencePackets } from "../audio/test-speech.js";
import {
  createBacking,
  eventually,
  http,
  recordFigure,
  type ServerProcess,
  spawnServer,
  WsClient,
} from "../test/harness.js";

/** Registers a user on a server process; returns its id and access token. */
async function register(base: string, name: string): Promise<{ id: string; token: string }> {
  const suffixed = `${name}_${Date.now().toString(36)}`;
  const r = await http(base, "POST", "/auth/register", {
    username: suffixed,
    email: `${suffixed}@example.test`,
    password: "correct horse battery",
  });
  expect(r.status).toBe(201);
  return { id: r.body.user.id as string, token: r.body.accessToken as string };
}

/**
 * Instance death, for real: two server processes sharing MariaDB and Redis; one is SIGKILLed.
 * Its users must leave presence on the survivor, its speaker's floor must free up within the
 * lease, and its clients must reconnect to the survivor and resync without a gap.
 */
describe("instance failover (SIGKILL)", () => {
  let one: ServerProcess;
  let two: ServerProcess;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    const backing = await createBacking("production");
    [one, two] = await Promise.all([
      spawnServer(backing.env, await freePort()),
      spawnServer(backing.env, await freePort()),
    ]);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([one?.kill("SIGKILL"), two?.kill("SIGKILL")]);
  });

  it("removes the dead instance's users, frees its floor, and lets its clients resync", async () => {
    const alice = await register(one.url, "alice");
    const bob = await register(one.url, "bob");
    const ch = await http(one.url, "POST", "/channels", { name: "Gate" }, alice.token);
    await http(one.url, "POST", "/join", { code: ch.body.inviteCode }, bob.token);
    const channelId = ch.body.id as string;

    const a = await WsClient.connect(one.wsUrl, alice.token);
    const b = await WsClient.connect(two.wsUrl, bob.token);
    clients.push(a, b);
    await a.subscribe(channelId);
    const { lastSeq } = await b.subscribe(channelId);
    await a.next("presence.joined", (m) => m.user.id === bob.id);

    // Bob talks on instance two.
    b.send({ type: "ptt.start", channelId });
    const { streamId } = await b.next("ptt.granted");
    for (const [i, p] of silencePackets(5).entries()) b.sendBinary(encodeAudioFrame(streamId, i, p));
    await eventually(() => a.frames.length === 5, 3_000, "frames on instance one");

    const killedAt = Date.now();
    await two.kill("SIGKILL");
    await b.closed;

    // Within the floor lease (3 s) the floor is free again, and listeners are told.
    const stopped = await a.next("speaker.stopped", (m) => m.streamId === streamId, 6_000);
    expect(stopped.reason).toBe("disconnected");
    recordFigure("sigkill: listeners told the speaker stopped after", Date.now() - killedAt, "ms");
    a.send({ type: "ptt.start", channelId });
    await a.next("ptt.granted");
    recordFigure("sigkill: floor granted to another user after", Date.now() - killedAt, "ms");
    expect(Date.now() - killedAt).toBeLessThan(6_000);
    a.send({ type: "ptt.stop", channelId });
    await a.next("ptt.stopped");

    // Messages posted while Bob is away.
    const posted: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await http(
        one.url,
        "POST",
        `/channels/${channelId}/messages`,
        { body: `while away ${i}`, clientId: `away-${i}` },
        alice.token,
      );
      expect(r.status).toBe(201);
      posted.push(r.body.seq);
    }

    // Bob's client reconnects to the surviving instance and resyncs from where it was.
    const again = await WsClient.connect(one.wsUrl, bob.token);
    clients.push(again);
    again.send({ type: "subscribe", channelId, sinceSeq: lastSeq });
    await again.next("subscribed");
    await eventually(() => again.of("message.created").length >= 20, 5_000, "replayed messages");
    const seqs = again.of("message.created").map((m) => m.message.seq);
    expect(seqs.slice(-20)).toEqual(posted);
    expect(new Set(seqs).size).toBe(seqs.length);
    recordFigure(
      "sigkill: messages missed then replayed after reconnect",
      seqs.slice(-20).length,
      "messages",
    );

    // Bob is back through his new socket: presence lists him once.
    const presence = await http(one.url, "GET", `/channels/${channelId}/presence`, undefined, alice.token);
    expect(presence.body.online.filter((u: { id: string }) => u.id === bob.id)).toHaveLength(1);
  }, 40_000);

  it("sweeps a dead instance's users out of presence within about 10 s", async () => {
    const backing = await createBacking("production");
    const [p1, p2] = await Promise.all([
      spawnServer(backing.env, await freePort()),
      spawnServer(backing.env, await freePort()),
    ]);
    try {
      const carol = await register(p1.url, "carol");
      const dan = await register(p1.url, "dan");
      const ch = await http(p1.url, "POST", "/channels", { name: "Sweep" }, carol.token);
      await http(p1.url, "POST", "/join", { code: ch.body.inviteCode }, dan.token);
      const c = await WsClient.connect(p1.wsUrl, carol.token);
      const d = await WsClient.connect(p2.wsUrl, dan.token);
      clients.push(c, d);
      await c.subscribe(ch.body.id);
      await d.subscribe(ch.body.id);
      await c.next("presence.joined", (m) => m.user.id === dan.id);
      const killedAt = Date.now();
      await p2.kill("SIGKILL");
      await c.next("presence.left", (m) => m.userId === dan.id, 12_000);
      const took = Date.now() - killedAt;
      recordFigure("sigkill: dead instance's user left presence after", took, "ms");
      expect(took).toBeLessThan(12_000);
      const presence = await http(p1.url, "GET", `/channels/${ch.body.id}/presence`, undefined, carol.token);
      expect(presence.body.online.map((u: { id: string }) => u.id)).toEqual([carol.id]);
    } finally {
      await Promise.all([p1.kill("SIGKILL"), p2.kill("SIGKILL")]);
    }
  }, 40_000);

  it("shuts down gracefully on SIGTERM: recording kept, sockets closed 1012, exit within 10 s", async () => {
    const backing = await createBacking("production");
    const [p1, p2] = await Promise.all([
      spawnServer(backing.env, await freePort()),
      spawnServer(backing.env, await freePort()),
    ]);
    try {
      const erin = await register(p1.url, "erin");
      const ch = await http(p1.url, "POST", "/channels", { name: "Drain" }, erin.token);
      const speaker = await WsClient.connect(p2.wsUrl, erin.token);
      clients.push(speaker);
      await speaker.subscribe(ch.body.id);
      speaker.send({ type: "ptt.start", channelId: ch.body.id });
      const { streamId } = await speaker.next("ptt.granted");
      for (const [i, p] of silencePackets(50).entries()) speaker.sendBinary(encodeAudioFrame(streamId, i, p));
      await new Promise((r) => setTimeout(r, 300));

      const started = Date.now();
      const exited = new Promise<number | null>((resolve) => p2.child.once("exit", (code) => resolve(code)));
      p2.child.kill("SIGTERM");
      expect((await speaker.closed).code).toBe(1012);
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      recordFigure("sigterm: graceful exit after", Date.now() - started, "ms");

      const history = await http(p1.url, "GET", `/channels/${ch.body.id}/messages`, undefined, erin.token);
      const audio = history.body.messages.filter((m: { kind: string }) => m.kind === "audio");
      expect(audio).toHaveLength(1);
      expect(audio[0].recording.durationMs).toBeGreaterThan(900);
    } finally {
      await Promise.all([p1.kill("SIGKILL"), p2.kill("SIGKILL")]);
    }
  }, 40_000);
});
