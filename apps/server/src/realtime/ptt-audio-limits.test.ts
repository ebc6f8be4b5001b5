/**
 * What a speaker's packets may claim. A transmission is capped by the audio its Opus TOC bytes
 * declare, not only by the wall clock, and packets of a duration outside
 * `LIMITS.audioPacketMs` are refused (one `invalid_frame` per stream), neither relayed nor
 * recorded — so a client cannot fill a recording faster than it speaks.
 */
import { encodeAudioFrame } from "@won/protocol";
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

/** A code-0 packet: one frame of the TOC `config` (RFC 6716 §3.1), with a two-byte body. */
const oneFrame = (config: number) => Uint8Array.of(config << 3, 0xff, 0xfe);
/** A code-3 CBR packet of `n` 20 ms CELT fullband frames (RFC 6716 §3.2.5): n × 20 ms. */
const frames20 = (n: number) => Uint8Array.from([(31 << 3) | 3, n, ...Array(n).fill([0xff, 0xfe]).flat()]);
/** A code-1 packet: two equal 20 ms frames, 40 ms (RFC 6716 §3.2.2). */
const twoFrames20 = Uint8Array.of((31 << 3) | 1, 0xff, 0xfe, 0xff, 0xfe);

const MS_10 = oneFrame(30);
const MS_20 = oneFrame(31);
const MS_60_SILK = oneFrame(3);
const MS_2_5 = oneFrame(16);
const MS_5 = oneFrame(17);

describe.each(MODES)("audio packet limits (%s)", (mode) => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let speakerUser: TestUser;
  let listenerUser: TestUser;
  let channelId: string;
  const open: WsClient[] = [];
  const connect = async (app: TestApp, u: TestUser) => {
    const c = await WsClient.connect(app.wsUrl, u.token);
    open.push(c);
    await c.subscribe(channelId);
    return c;
  };

  beforeAll(async () => {
    backing = await createBacking(mode, { MAX_TRANSMISSION_MS: "2000" });
    one = await startApp(backing);
    two = mode === "production" ? await startApp(backing) : one;
    [speakerUser, listenerUser] = await Promise.all([one.api.user(), one.api.user()]);
    const ch = await one.api.post("/channels", { name: "Packets" }, speakerUser.token);
    channelId = ch.body.id;
    await one.api.post("/join", { code: ch.body.inviteCode }, listenerUser.token);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await one?.close();
    if (two !== one) await two?.close();
  });

  it("refuses packets of a duration not allowed with one invalid_frame per stream; relays and records only the rest", async () => {
    const speaker = await connect(one, speakerUser);
    const listener = await connect(two, listenerUser);
    speaker.send({ type: "ptt.start", channelId });
    const { streamId } = await speaker.next("ptt.granted");

    const bad = [frames20(6), MS_10, MS_2_5, MS_5, frames20(4), frames20(6), MS_10, frames20(4)];
    const good = [
      ...Array(12).fill(MS_20),
      ...Array(4).fill(twoFrames20),
      ...Array(4).fill(frames20(3)),
      MS_60_SILK,
    ] as Uint8Array[];
    // 240 + 160 + 240 + 60 ms of declared audio in the allowed packets.
    const goodMs = 700;
    let seq = 0;
    const relayable: string[] = [];
    for (let i = 0; i < Math.max(bad.length, good.length); i++) {
      if (i < bad.length) speaker.sendBinary(encodeAudioFrame(streamId, seq++, bad[i]!));
      if (i < good.length) {
        const frame = encodeAudioFrame(streamId, seq++, good[i]!);
        relayable.push(Buffer.from(frame).toString("hex"));
        speaker.sendBinary(frame);
      }
    }
    await eventually(() => listener.frames.length >= good.length, 5_000, "the allowed frames");
    speaker.send({ type: "ptt.stop", channelId });
    await speaker.next("ptt.stopped");
    const stopped = await listener.next("speaker.stopped", (m) => m.streamId === streamId);

    const errors = speaker.of("error").filter((e) => e.code === "invalid_frame");
    expect(errors).toHaveLength(1);
    expect(listener.frames.map((f) => f.toString("hex"))).toEqual(relayable);
    // The recording holds the allowed packets only (playback = their audio minus 6.5 ms pre-skip).
    expect(stopped.message.recording.durationMs).toBeGreaterThanOrEqual(goodMs - 8);
    expect(stopped.message.recording.durationMs).toBeLessThanOrEqual(goodMs - 6);

    // The next stream may be told once again.
    speaker.send({ type: "ptt.start", channelId });
    const next = await speaker.next("ptt.granted");
    speaker.sendBinary(encodeAudioFrame(next.streamId, 0, frames20(6)));
    speaker.sendBinary(encodeAudioFrame(next.streamId, 1, frames20(6)));
    await speaker.next("error", (e) => e.code === "invalid_frame");
    speaker.send({ type: "ptt.stop", channelId });
    await speaker.next("ptt.stopped");
    const quiet = await listener.next("speaker.stopped", (m) => m.streamId === next.streamId);
    expect(quiet.message).toBeUndefined();
    expect(speaker.of("error").filter((e) => e.code === "invalid_frame")).toHaveLength(2);
    speaker.close();
    listener.close();
  });

  it("ends a transmission when the audio its packets declare reaches MAX_TRANSMISSION_MS", async () => {
    const speaker = await connect(one, speakerUser);
    const listener = await connect(two, listenerUser);
    speaker.send({ type: "ptt.start", channelId });
    const { streamId, maxDurationMs } = await speaker.next("ptt.granted");
    expect(maxDurationMs).toBe(2_000);
    // 50 packets of 60 ms = 3 s of declared audio, sent at once: far faster than spoken.
    const started = Date.now();
    for (let i = 0; i < 50; i++) speaker.sendBinary(encodeAudioFrame(streamId, i, frames20(3)));
    const stopped = await speaker.next("speaker.stopped", (m) => m.streamId === streamId, 3_000);
    expect(stopped.reason).toBe("timeout");
    // Well before the wall-clock cap would have ended it.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(stopped.message.recording.durationMs).toBeLessThanOrEqual(2_000 + 60);
    expect(stopped.message.recording.durationMs).toBeGreaterThanOrEqual(2_000 - 60 - 7);
    const far = await listener.next("speaker.stopped", (m) => m.streamId === streamId);
    expect(far.reason).toBe("timeout");
    expect(listener.frames.length).toBeLessThanOrEqual(34);
    // The floor is free again.
    speaker.send({ type: "ptt.start", channelId });
    const again = await speaker.next("ptt.granted", (m) => m.streamId !== streamId);
    speaker.send({ type: "ptt.stop", channelId });
    await speaker.next("ptt.stopped", (m) => m.streamId === again.streamId);
    speaker.close();
    listener.close();
  });
});
