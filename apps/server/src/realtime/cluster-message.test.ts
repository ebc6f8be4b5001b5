import { encodeAudioFrame, type ServerMessage } from "@won/protocol";
import { describe, expect, it } from "vitest";
import {
  type ClusterMessage,
  clusterEvent,
  decodeClusterMessage,
  encodeClusterMessage,
  isAudioPayload,
} from "./cluster-message.js";

const CHANNEL = "7d1c2f4e-8a55-4c1b-9f0e-2b6a1d3c4e5f";
const USER = "0b9e1a7c-3d2f-4e6a-8c5b-1f2e3d4c5b6a";

const roundTrip = (msg: ClusterMessage) => decodeClusterMessage(Buffer.from(encodeClusterMessage(msg)));

describe("cluster messages", () => {
  it("round-trips every control kind", () => {
    const controls: ClusterMessage[] = [
      { kind: "access.revoked", channelId: CHANNEL, userIds: [USER, "u2"] },
      { kind: "access.changed", channelId: CHANNEL, userId: USER },
      { kind: "floor.preempted", channelId: CHANNEL, streamId: 0xffff_fffe },
    ];
    for (const msg of controls) expect(roundTrip(msg)).toEqual(msg);
  });

  it("keeps the control wire format: JSON whose type is the kind prefixed with _", () => {
    const bytes = encodeClusterMessage({ kind: "access.changed", channelId: CHANNEL, userId: USER });
    expect(JSON.parse(bytes.toString())).toEqual({
      type: "_access.changed",
      channelId: CHANNEL,
      userId: USER,
    });
  });

  it("carries a client-bound event as the bytes clients get, serialised once", () => {
    const event: ServerMessage = { type: "presence.left", channelId: CHANNEL, userId: USER };
    const msg = clusterEvent(event);
    expect(JSON.parse(msg.bytes.toString())).toEqual(event);
    expect(encodeClusterMessage(msg)).toBe(msg.bytes);
    const back = roundTrip(msg);
    expect(back).toEqual({ kind: "event", event, bytes: msg.bytes });
  });

  it("carries audio as the frame itself: the first byte decides, nothing is copied", () => {
    const frame = Buffer.from(encodeAudioFrame(42, 7, Uint8Array.of(0xfc, 1, 2)));
    expect(encodeClusterMessage({ kind: "audio", frame })).toBe(frame);
    expect(isAudioPayload(frame)).toBe(true);
    const back = decodeClusterMessage(frame);
    expect(back).toEqual({ kind: "audio", frame });
    expect(back?.kind === "audio" && back.frame).toBe(frame);
    expect(isAudioPayload(clusterEvent({ type: "pong" }).bytes)).toBe(false);
  });

  it("rejects garbage and unknown payloads without throwing", () => {
    const bad = [
      "",
      "{",
      "null",
      "42",
      '"text"',
      "[]",
      "{}",
      '{"type":7}',
      '{"type":"no.such.event","channelId":"x"}',
      '{"type":"_no.such.control","channelId":"x"}',
      '{"type":"_access.revoked","channelId":"x"}',
      '{"type":"_access.revoked","channelId":"x","userIds":[1]}',
      '{"type":"_access.changed","userId":"u"}',
      '{"type":"_floor.preempted","channelId":"x","streamId":-1}',
      '{"type":"_floor.preempted","channelId":"x","streamId":"1"}',
      '{"type":"speaker.started","channelId":"x","streamId":1}',
      '{"type":"message.created","channelId":"x","message":{}}',
      '{"type":"channel.deleted"}',
    ];
    for (const text of bad) expect(decodeClusterMessage(Buffer.from(text)), text).toBeNull();
    // Audio-looking payloads that are not valid frames.
    expect(decodeClusterMessage(Buffer.of(0x01))).toBeNull();
    expect(decodeClusterMessage(Buffer.of(0x01, 0x80, 0, 0, 0, 1, 0, 1, 0xfc))).toBeNull();
    expect(decodeClusterMessage(Buffer.of(0x02, 0, 0, 0, 0, 1, 0, 1, 0xfc))).toBeNull();
    // Random bytes never throw.
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(crypto.getRandomValues(new Uint8Array(1 + (i % 40))));
      expect(() => decodeClusterMessage(bytes)).not.toThrow();
    }
  });
});
