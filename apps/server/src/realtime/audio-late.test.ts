import { encodeAudioFrame } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silencePackets } from "../audio/test-speech.js";
import {
  type Backing,
  createBacking,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A listener whose downlink cannot carry a stream says so (`audio.late`); the speaker, on
 * another instance, hears of it (`ptt.congested`) at most once a second per stream. Reports that
 * are not a subscriber's, or not about the stream on air, change nothing.
 */
describe("late listeners reach the speaker (production, two instances)", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let org: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let channelId: string;
  let otherChannelId: string;
  const open: WsClient[] = [];
  const connect = async (app: TestApp, u: TestUser) => {
    const c = await WsClient.connect(app.wsUrl, u.token);
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    backing = await createBacking("production");
    [one, two] = await Promise.all([startApp(backing), startApp(backing)]);
    [org, alice, bob, carol] = await Promise.all([1, 2, 3, 4].map(() => one.api.user()));
    const ev = await one.api.post("/events", { name: "E" }, org.token);
    for (const u of [alice, bob, carol]) await one.api.post("/join", { code: ev.body.inviteCode }, u.token);
    channelId = (await one.api.post("/channels", { name: "Gate", eventId: ev.body.id }, org.token)).body.id;
    otherChannelId = (await one.api.post("/channels", { name: "Bar", eventId: ev.body.id }, org.token)).body
      .id;
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([one?.close(), two?.close()]);
  });

  it("tells the speaker once a second, across instances, and ignores what is not about the stream on air", async () => {
    const speaker = await connect(one, alice);
    const listener = await connect(two, bob);
    const stranger = await connect(two, carol);
    await speaker.subscribe(channelId);
    await listener.subscribe(channelId);
    await stranger.subscribe(otherChannelId);

    speaker.send({ type: "ptt.start", channelId });
    const { streamId } = await speaker.next("ptt.granted");
    const packets = silencePackets(10);
    for (const [i, p] of packets.entries()) speaker.sendBinary(encodeAudioFrame(streamId as number, i, p));
    await listener.next("speaker.started");

    // Not subscribed to the channel; then a stream that is not on air: nothing reaches the speaker.
    stranger.send({ type: "audio.late", channelId, streamId, lateMs: 900 });
    listener.send({ type: "audio.late", channelId, streamId: (streamId as number) + 1, lateMs: 900 });
    await sleep(300);
    expect(speaker.of("ptt.congested")).toHaveLength(0);

    listener.send({ type: "audio.late", channelId, streamId, lateMs: 640 });
    const told = await speaker.next("ptt.congested").catch((e) => {
      throw new Error(`${e.message}; listener got ${JSON.stringify(listener.of("error"))}`);
    });
    expect(told).toMatchObject({ channelId, streamId, lateMs: 640 });
    // A second report within the second is folded into the first.
    listener.send({ type: "audio.late", channelId, streamId, lateMs: 700 });
    await sleep(300);
    expect(speaker.of("ptt.congested")).toHaveLength(1);
    await sleep(800);
    listener.send({ type: "audio.late", channelId, streamId, lateMs: 720 });
    expect(await speaker.next("ptt.congested")).toMatchObject({ lateMs: 720 });
    // Nobody else hears of it, and nothing was an error.
    expect(listener.of("ptt.congested")).toHaveLength(0);
    expect([...listener.of("error"), ...stranger.of("error"), ...speaker.of("error")]).toEqual([]);

    speaker.send({ type: "ptt.stop", channelId });
    await speaker.next("ptt.stopped");
    // After the stream ended, a late report (a race) is ignored too.
    await sleep(1_100);
    listener.send({ type: "audio.late", channelId, streamId, lateMs: 800 });
    await sleep(300);
    expect(speaker.of("ptt.congested")).toHaveLength(2);
  });

  it("refuses a malformed report with an error and keeps the socket", async () => {
    const c = await connect(two, bob);
    c.send({ type: "audio.late", channelId, streamId: -1, lateMs: 10 });
    expect((await c.next("error")).code).toBe("invalid_message");
    c.send({ type: "ping" });
    await c.next("pong");
  });
});
