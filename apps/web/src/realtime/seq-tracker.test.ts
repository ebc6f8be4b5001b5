import type { Message } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { SeqTracker } from "./seq-tracker";

const CH = "00000000-0000-4000-8000-000000000001";
const ME = "00000000-0000-4000-8000-00000000000a";
const OTHER = "00000000-0000-4000-8000-00000000000b";
const msg = (seq: number, kind: Message["kind"], sender = OTHER, id = `m${seq}`): Message => ({
  id,
  channelId: CH,
  seq,
  kind,
  sender: { id: sender, username: "u", displayName: "U", createdAt: "2026-01-01T00:00:00Z" },
  ...(kind === "audio" ? { recording: { id: "r", durationMs: 1000, url: "/api/v1/recordings/r" } } : {}),
  createdAt: "2026-01-01T00:00:00Z",
});

describe("SeqTracker", () => {
  it("keeps the highest seq per channel", () => {
    const t = new SeqTracker();
    expect(t.lastSeq(CH)).toBeUndefined();
    t.see(CH, 5);
    t.see(CH, 3);
    expect(t.lastSeq(CH)).toBe(5);
    t.subscribed(CH, undefined, 9);
    expect(t.lastSeq(CH)).toBe(9);
  });

  it("flags audio from others replayed after a resubscribe as missed", () => {
    const t = new SeqTracker();
    t.see(CH, 10);
    t.subscribed(CH, 10, 14);
    expect(t.isMissedAudio(msg(11, "audio"), ME)).toBe(true);
    expect(t.isMissedAudio(msg(12, "text"), ME)).toBe(false);
    expect(t.isMissedAudio(msg(13, "audio", ME), ME)).toBe(false);
    expect(t.isMissedAudio(msg(15, "audio"), ME)).toBe(false); // live, after the resync window
    t.markHeard("heard");
    expect(t.isMissedAudio(msg(14, "audio", OTHER, "heard"), ME)).toBe(false);
  });

  it("does not treat a first subscription's messages as missed", () => {
    const t = new SeqTracker();
    t.subscribed(CH, undefined, 4);
    expect(t.isMissedAudio(msg(3, "audio"), ME)).toBe(false);
  });
});
