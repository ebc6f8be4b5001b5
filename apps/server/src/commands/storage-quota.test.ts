/**
 * Storage quotas: stored recording bytes per user and per event (`ptt.start` is denied
 * `quota_exceeded` once over), and the number of events and channels one user may create
 * (409 `quota_exceeded`). Run on both modes, over real sockets.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeAudioFrame } from "@won/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.js";
import {
  createBacking,
  MODES,
  startApp,
  TEST_JWT_SECRET,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";
import { waitFor } from "../test/wait.js";

/** 20 ms of CELT fullband silence (RFC 6716 code 0). */
const OPUS_20MS = Uint8Array.of(0xf8, 0xff, 0xfe);

describe.each(MODES)("storage quotas (%s)", (mode) => {
  const apps: TestApp[] = [];
  const open: WsClient[] = [];
  /** One or two instances (production) over a fresh backing with `env`. */
  const start = async (env: Record<string, string>): Promise<[TestApp, TestApp]> => {
    const backing = await createBacking(mode, env);
    const one = await startApp(backing);
    const two = mode === "production" ? await startApp(backing) : one;
    apps.push(one);
    if (two !== one) apps.push(two);
    return [one, two];
  };
  const connect = async (app: TestApp, u: TestUser, channelId: string) => {
    const c = await WsClient.connect(app.wsUrl, u.token);
    open.push(c);
    await c.subscribe(channelId);
    return c;
  };
  /** Asks for the floor; resolves to "granted" or the denial's reason. */
  const ask = async (c: WsClient, channelId: string): Promise<string> => {
    const before = { granted: c.of("ptt.granted").length, denied: c.of("ptt.denied").length };
    c.send({ type: "ptt.start", channelId });
    const answer = await waitFor("an answer to ptt.start", (): string | undefined => {
      if (c.of("ptt.granted").length > before.granted) return "granted";
      const denied = c.of("ptt.denied");
      return denied.length > before.denied ? (denied.at(-1)!.reason as string) : undefined;
    });
    return answer!;
  };
  /** One stored transmission of 400 ms; resolves to its audio message. */
  const talk = async (c: WsClient, channelId: string) => {
    expect(await ask(c, channelId)).toBe("granted");
    const { streamId } = c.of("ptt.granted").at(-1)!;
    for (let i = 0; i < 20; i++) c.sendBinary(encodeAudioFrame(streamId, i, OPUS_20MS));
    c.send({ type: "ptt.stop", channelId });
    const stopped = await c.next("speaker.stopped", (m) => m.streamId === streamId);
    expect(stopped.message?.recording).toBeDefined();
    return stopped.message;
  };

  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    for (const a of apps.splice(0)) await a.close();
  });

  it("denies ptt.start with quota_exceeded once the user's recordings pass QUOTA_RECORDING_BYTES_PER_USER", async () => {
    const [one, two] = await start({ QUOTA_RECORDING_BYTES_PER_USER: "1" });
    const [talker, other] = await Promise.all([one.api.user(), one.api.user()]);
    const ch = await one.api.post("/channels", { name: "Quota" }, talker.token);
    await one.api.post("/join", { code: ch.body.inviteCode }, other.token);
    const channelId = ch.body.id as string;

    const c = await connect(one, talker, channelId);
    // Under quota when it started: stored in full, though it crosses the quota.
    await talk(c, channelId);
    expect(await ask(c, channelId)).toBe("quota_exceeded");
    // Also from another socket, on another instance.
    const elsewhere = await connect(two, talker, channelId);
    expect(await ask(elsewhere, channelId)).toBe("quota_exceeded");
    // Other users keep their own quota.
    const o = await connect(two, other, channelId);
    expect(await ask(o, channelId)).toBe("granted");
    o.send({ type: "ptt.stop", channelId });
    await o.next("ptt.stopped");
  });

  it("denies ptt.start in every channel of an event whose recordings pass QUOTA_RECORDING_BYTES_PER_EVENT", async () => {
    const [one, two] = await start({ QUOTA_RECORDING_BYTES_PER_EVENT: "1" });
    const [organiser, participant] = await Promise.all([one.api.user(), one.api.user()]);
    const event = await one.api.post("/events", { name: "Festival" }, organiser.token);
    const eventId = event.body.id as string;
    const stage = await one.api.post("/channels", { name: "Stage", eventId }, organiser.token);
    const gate = await one.api.post("/channels", { name: "Gate", eventId }, organiser.token);
    await one.api.post("/join", { code: event.body.inviteCode }, participant.token);
    const other = await one.api.post("/events", { name: "Elsewhere" }, organiser.token);
    const otherChannel = await one.api.post(
      "/channels",
      { name: "Radio", eventId: other.body.id },
      organiser.token,
    );

    const o = await connect(one, organiser, stage.body.id);
    await talk(o, stage.body.id);
    const p = await connect(two, participant, gate.body.id);
    expect(await ask(p, gate.body.id)).toBe("quota_exceeded");
    expect(await ask(o, stage.body.id)).toBe("quota_exceeded");
    // Another event of the same organiser has its own quota.
    const elsewhere = await connect(two, organiser, otherChannel.body.id);
    expect(await ask(elsewhere, otherChannel.body.id)).toBe("granted");
    elsewhere.send({ type: "ptt.stop", channelId: otherChannel.body.id });
    await elsewhere.next("ptt.stopped");
  });

  it("refuses events and channels past MAX_EVENTS_PER_USER and MAX_CHANNELS_PER_USER with 409 quota_exceeded", async () => {
    const [one] = await start({ MAX_EVENTS_PER_USER: "2", MAX_CHANNELS_PER_USER: "3" });
    const [u, v] = await Promise.all([one.api.user(), one.api.user()]);

    const e1 = await one.api.post("/events", { name: "One" }, u.token);
    const e2 = await one.api.post("/events", { name: "Two" }, u.token);
    expect([e1.status, e2.status]).toEqual([201, 201]);
    const e3 = await one.api.post("/events", { name: "Three" }, u.token);
    expect(e3.status).toBe(409);
    expect(e3.body.code).toBe("quota_exceeded");
    expect((await one.api.post("/events", { name: "Mine" }, v.token)).status).toBe(201);

    // Channels count wherever they were created: standalone or in an event.
    const created = [
      await one.api.post("/channels", { name: "A" }, u.token),
      await one.api.post("/channels", { name: "B", eventId: e1.body.id }, u.token),
      await one.api.post("/channels", { name: "C", eventId: e2.body.id }, u.token),
    ];
    expect(created.map((r) => r.status)).toEqual([201, 201, 201]);
    for (const body of [{ name: "D" }, { name: "E", eventId: e1.body.id }]) {
      const refused = await one.api.post("/channels", body, u.token);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe("quota_exceeded");
    }
    expect((await one.api.post("/channels", { name: "Mine" }, v.token)).status).toBe(201);

    // Deleting frees the room: the limits count what the user holds, not what they ever made.
    expect((await one.api.del(`/events/${e2.body.id}`, u.token)).status).toBe(204);
    expect((await one.api.post("/events", { name: "Again" }, u.token)).status).toBe(201);
    expect((await one.api.post("/channels", { name: "F" }, u.token)).status).toBe(201);
  });
});

describe("quota options", () => {
  const base = { DATA_DIR: mkdtempSync(join(tmpdir(), "won-quota-")), JWT_SECRET: TEST_JWT_SECRET };

  it("default to 200 MiB per user, 2 GiB per event, 50 events and 200 channels per user", () => {
    expect(loadConfig(base).quotas).toEqual({
      recordingBytesPerUser: 200 * 1024 * 1024,
      recordingBytesPerEvent: 2 * 1024 * 1024 * 1024,
      eventsPerUser: 50,
      channelsPerUser: 200,
    });
  });

  it("take 0 as unlimited and refuse what is not a whole number ≥ 0", () => {
    const env = {
      QUOTA_RECORDING_BYTES_PER_USER: "0",
      QUOTA_RECORDING_BYTES_PER_EVENT: "0",
      MAX_EVENTS_PER_USER: "0",
      MAX_CHANNELS_PER_USER: "0",
    };
    expect(Object.values(loadConfig({ ...base, ...env }).quotas)).toEqual([0, 0, 0, 0]);
    let error: unknown;
    try {
      loadConfig({ ...base, QUOTA_RECORDING_BYTES_PER_USER: "-1", MAX_CHANNELS_PER_USER: "1.5" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^QUOTA_RECORDING_BYTES_PER_USER: /),
      expect.stringMatching(/^MAX_CHANNELS_PER_USER: /),
    ]);
  });
});
