import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeAudioFrame } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speechOpusPackets } from "../audio/test-speech.js";
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Streams `packets` as frames of `streamId` at the real 20 ms pace; the last one flagged if asked. */
async function stream(
  c: WsClient,
  streamId: number,
  packets: Uint8Array[],
  lastFlag = false,
): Promise<Uint8Array[]> {
  const sent: Uint8Array[] = [];
  const t0 = performance.now();
  for (let i = 0; i < packets.length; i++) {
    const frame = encodeAudioFrame(streamId, i, packets[i]!, lastFlag && i === packets.length - 1);
    c.sendBinary(frame);
    sent.push(frame);
    const wait = t0 + (i + 1) * 20 - performance.now();
    if (wait > 0) await sleep(wait);
  }
  return sent;
}

describe.each(MODES)("push-to-talk (%s)", (mode) => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let admin: TestUser;
  let member: TestUser;
  let listener: TestUser;
  let channelId: string;
  let speech: Uint8Array[];
  const open: WsClient[] = [];
  const connect = async (app: TestApp, u: TestUser, subscribe = true) => {
    const c = await WsClient.connect(app.wsUrl, u.token);
    open.push(c);
    if (subscribe) await c.subscribe(channelId);
    return c;
  };

  beforeAll(async () => {
    backing = await createBacking(mode, { FLOOR_LEASE_MS: "1000" });
    one = await startApp(backing);
    two = mode === "production" ? await startApp(backing) : one;
    [admin, member, listener] = await Promise.all([one.api.user(), one.api.user(), one.api.user()]);
    const ch = await one.api.post("/channels", { name: "Radio" }, admin.token);
    channelId = ch.body.id;
    for (const u of [member, listener]) await one.api.post("/join", { code: ch.body.inviteCode }, u.token);
    const packets = await speechOpusPackets();
    speech = Array.from({ length: 250 }, (_, i) => packets[i % packets.length]!);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await one?.close();
    if (two !== one) await two?.close();
  });

  it("relays 250 frames byte for byte to listeners on both instances and records them", async () => {
    const speaker = await connect(one, member);
    const near = await connect(one, listener);
    const far = await connect(two, admin);

    speaker.send({ type: "ptt.start", channelId });
    const granted = await speaker.next("ptt.granted");
    expect(granted.maxDurationMs).toBe(60_000);
    const sent = await stream(speaker, granted.streamId, speech);
    for (const l of [near, far]) await eventually(() => l.frames.length >= 250, 5_000, "250 frames");
    speaker.send({ type: "ptt.stop", channelId });
    expect((await speaker.next("ptt.stopped")).streamId).toBe(granted.streamId);

    for (const l of [near, far]) {
      expect(l.frames.length).toBe(250);
      expect(l.frames.map((f) => f.toString("hex"))).toEqual(sent.map((f) => Buffer.from(f).toString("hex")));
      // speaker.started comes before the first frame of the stream.
      const started = l.log.findIndex(
        (x) => !Buffer.isBuffer(x) && x.type === "speaker.started" && x.streamId === granted.streamId,
      );
      const firstFrame = l.log.findIndex((x) => Buffer.isBuffer(x));
      expect(started).toBeGreaterThanOrEqual(0);
      expect(started).toBeLessThan(firstFrame);
    }
    expect(speaker.frames.length).toBe(0);

    const stopped = await far.next("speaker.stopped", (m) => m.streamId === granted.streamId);
    expect(stopped.reason).toBe("released");
    // Exactly one stop per listener: the speaker's own node never takes its transmission for a
    // remote stream that went quiet.
    await near.next("speaker.stopped", (m) => m.streamId === granted.streamId);
    for (const l of [near, far])
      expect(l.of("speaker.stopped").filter((m) => m.streamId === granted.streamId)).toHaveLength(1);
    expect(stopped.userId).toBe(member.id);
    const message = stopped.message;
    expect(message.kind).toBe("audio");
    expect(Math.abs(message.recording.durationMs - 5_000)).toBeLessThanOrEqual(40);
    await near.next("message.created", (m) => m.message.id === message.id);

    // The recording: members download it; opusinfo and ffprobe accept it; others cannot.
    const res = await fetch(`${one.url}${message.recording.url}`, {
      headers: { authorization: `Bearer ${listener.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/ogg");
    const ogg = Buffer.from(await res.arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), "won-rec-"));
    try {
      const file = join(dir, "rec.opus");
      writeFileSync(file, ogg);
      const info = spawnSync("opusinfo", [file], { encoding: "utf8" });
      expect(info.status, info.stderr).toBe(0);
      expect(info.stdout + info.stderr).not.toMatch(/WARNING|ERROR/i);
      const probe = spawnSync(
        "ffprobe",
        ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file],
        { encoding: "utf8" },
      );
      expect(probe.status, probe.stderr).toBe(0);
      expect(Math.abs(Number(probe.stdout.trim()) - 5)).toBeLessThanOrEqual(0.04);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const ranged = await fetch(`${two.url}${message.recording.url}`, {
      headers: { authorization: `Bearer ${admin.token}`, range: "bytes=0-99" },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 0-99/${ogg.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(ogg.subarray(0, 100))).toBe(true);

    const stranger = await one.api.user();
    expect((await one.api.get(message.recording.url, stranger.token)).status).toBe(403);
    expect((await one.api.get(message.recording.url)).status).toBe(401);

    // A reconnecting client gets the audio message in its replay like any other.
    const late = await connect(two, listener, false);
    late.send({ type: "subscribe", channelId, sinceSeq: message.seq - 1 });
    expect((await late.next("message.created")).message.id).toBe(message.id);
    for (const c of [speaker, near, far, late]) c.close();
  });

  it("grants exactly one of many concurrent requests, across instances", async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => one.api.user()));
    const code = (await one.api.get(`/channels/${channelId}`, admin.token)).body.inviteCode;
    const clients = await Promise.all(
      users.map(async (u, i) => {
        await one.api.post("/join", { code }, u.token);
        return connect(i % 2 ? two : one, u);
      }),
    );
    for (const c of clients) c.send({ type: "ptt.start", channelId });
    const answers = await Promise.all(
      clients.map((c) =>
        Promise.race([
          c.next("ptt.granted").then(() => "granted"),
          c.next("ptt.denied").then((m) => m.reason),
        ]),
      ),
    );
    expect(answers.filter((a) => a === "granted")).toHaveLength(1);
    expect(answers.filter((a) => a === "busy")).toHaveLength(7);
    const winner = clients[answers.indexOf("granted")]!;
    const loser = clients[answers.indexOf("busy")]!;
    const denied = loser.of("ptt.denied")[0]!;
    expect(denied.speaker.user.id).toBe(users[answers.indexOf("granted")]!.id);
    winner.send({ type: "ptt.stop", channelId });
    await winner.next("ptt.stopped");
    for (const c of clients) c.close();
  });

  it("times the speaker out when frames stop, and frees the floor", async () => {
    const speaker = await connect(one, member);
    const other = await connect(two, listener);
    speaker.send({ type: "ptt.start", channelId });
    const { streamId } = await speaker.next("ptt.granted");
    await stream(speaker, streamId, speech.slice(0, 10));
    const stopped = await other.next("speaker.stopped", (m) => m.streamId === streamId, 4_000);
    expect(stopped.reason).toBe("timeout");
    other.send({ type: "ptt.start", channelId });
    await other.next("ptt.granted");
    other.send({ type: "ptt.stop", channelId });
    await other.next("ptt.stopped");
    speaker.close();
    other.close();
  });

  it("releases the floor when the speaker disconnects", async () => {
    const speaker = await connect(two, member);
    const other = await connect(one, listener);
    speaker.send({ type: "ptt.start", channelId });
    const { streamId } = await speaker.next("ptt.granted");
    speaker.close();
    expect((await other.next("speaker.stopped", (m) => m.streamId === streamId)).reason).toBe("disconnected");
    other.send({ type: "ptt.start", channelId });
    await other.next("ptt.granted");
    other.send({ type: "ptt.stop", channelId });
    await other.next("ptt.stopped");
    other.close();
  });

  it("lets a channel admin pre-empt a member, not the other way round", async () => {
    const talker = await connect(one, member);
    const boss = await connect(two, admin);
    talker.send({ type: "ptt.start", channelId });
    const first = await talker.next("ptt.granted");
    boss.send({ type: "ptt.start", channelId });
    expect((await boss.next("ptt.denied")).reason).toBe("busy");
    boss.send({ type: "ptt.start", channelId, priority: true });
    const second = await boss.next("ptt.granted");
    const stopped = await talker.next("speaker.stopped", (m) => m.streamId === first.streamId);
    expect(stopped.reason).toBe("preempted");
    // A socket subscribing now learns who holds the floor, with their profile.
    const probe = await connect(one, listener);
    const { speaker } = probe.of("subscribed")[0]!;
    expect(speaker.streamId).toBe(second.streamId);
    expect(speaker.user.id).toBe(admin.id);
    const presence = await one.api.get(`/channels/${channelId}/presence`, listener.token);
    expect(presence.body.speaker.user.id).toBe(admin.id);
    probe.close();
    // The member cannot pre-empt back, priority or not.
    talker.send({ type: "ptt.start", channelId, priority: true });
    expect((await talker.next("ptt.denied")).reason).toBe("busy");
    boss.send({ type: "ptt.stop", channelId });
    expect((await boss.next("ptt.stopped")).streamId).toBe(second.streamId);
    talker.close();
    boss.close();
  });

  it("denies listen-only members and unsubscribed sockets", async () => {
    const quiet = await one.api.user();
    const code = (await one.api.get(`/channels/${channelId}`, admin.token)).body.inviteCode;
    await one.api.post("/join", { code }, quiet.token);
    const patch = await one.api.patch(
      `/channels/${channelId}/members/${quiet.id}`,
      { canSpeak: false },
      admin.token,
    );
    expect(patch.status).toBe(200);
    const q = await connect(two, quiet);
    q.send({ type: "ptt.start", channelId });
    expect((await q.next("ptt.denied")).reason).toBe("forbidden");
    const elsewhere = await one.api.post("/channels", { name: "Elsewhere" }, quiet.token);
    q.send({ type: "ptt.start", channelId: elsewhere.body.id });
    expect((await q.next("ptt.denied", (m) => m.channelId === elsewhere.body.id)).reason).toBe(
      "not_subscribed",
    );
    q.close();
  });

  it("cuts a member off mid-transmission when they are made listen-only, and tells them", async () => {
    const muted = await one.api.user();
    const code = (await one.api.get(`/channels/${channelId}`, admin.token)).body.inviteCode;
    await one.api.post("/join", { code }, muted.token);
    const m = await connect(two, muted);
    const other = await connect(one, listener);
    m.send({ type: "ptt.start", channelId });
    const { streamId } = await m.next("ptt.granted");
    await stream(m, streamId, speech.slice(0, 5));
    const patch = await one.api.patch(
      `/channels/${channelId}/members/${muted.id}`,
      { canSpeak: false },
      admin.token,
    );
    expect(patch.status).toBe(200);
    const changed = await m.next("access.changed", (x) => x.channelId === channelId);
    expect(changed).toMatchObject({ myRole: "member", canSpeak: false });
    expect((await other.next("speaker.stopped", (x) => x.streamId === streamId)).reason).toBe("revoked");
    m.send({ type: "ptt.start", channelId });
    expect((await m.next("ptt.denied")).reason).toBe("forbidden");
    m.close();
    other.close();
  });

  it("drops foreign and malformed frames with one error and keeps relaying", async () => {
    const speaker = await connect(one, member);
    const other = await connect(two, listener);
    speaker.send({ type: "ptt.start", channelId });
    const { streamId } = await speaker.next("ptt.granted");
    for (let i = 0; i < 5; i++) speaker.sendBinary(encodeAudioFrame((streamId + 1) >>> 0, i, speech[i]!));
    for (const bad of [
      Uint8Array.of(1),
      new Uint8Array(2_000).fill(1),
      Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0, 1),
    ])
      speaker.sendBinary(bad);
    const sent = await stream(speaker, streamId, speech.slice(0, 5));
    await eventually(() => other.frames.length >= 5, 3_000, "valid frames");
    expect(speaker.of("error").filter((e) => e.code === "not_floor_holder")).toHaveLength(1);
    expect(speaker.of("error").filter((e) => e.code === "invalid_frame")).toHaveLength(3);
    expect(other.frames.map((f) => f.toString("hex"))).toEqual(
      sent.map((f) => Buffer.from(f).toString("hex")),
    );
    speaker.send({ type: "ptt.stop", channelId });
    await speaker.next("ptt.stopped");
    // 100 ms is an accidental tap: nothing is stored.
    const stopped = await other.next("speaker.stopped", (m) => m.streamId === streamId);
    expect(stopped.message).toBeUndefined();
    speaker.close();
    other.close();
  });
});

describe("transmission length cap", () => {
  it("cuts a transmission off at MAX_TRANSMISSION_MS", async () => {
    const app = await startApp(await createBacking("embedded", { MAX_TRANSMISSION_MS: "1000" }));
    try {
      const u = await app.api.user();
      const ch = await app.api.post("/channels", { name: "Cap" }, u.token);
      const c = await WsClient.connect(app.wsUrl, u.token);
      await c.subscribe(ch.body.id);
      c.send({ type: "ptt.start", channelId: ch.body.id });
      const { streamId, maxDurationMs } = await c.next("ptt.granted");
      expect(maxDurationMs).toBe(1_000);
      const packets = await speechOpusPackets();
      const started = Date.now();
      const sending = stream(c, streamId, packets.slice(0, 90));
      const stopped = await c.next("speaker.stopped", () => true, 3_000);
      expect(stopped.reason).toBe("timeout");
      expect(Date.now() - started).toBeLessThan(1_600);
      expect(stopped.message.recording.durationMs).toBeGreaterThan(800);
      await sending;
      c.close();
    } finally {
      await app.close();
    }
  });
});
