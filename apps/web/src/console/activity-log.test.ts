import type { Message } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { aUser } from "../test/fixtures";
import { EMPTY_TIMELINE, type Timeline } from "../timeline/timeline";
import { activityLog, lastTransmission, logSenders, unreadCount } from "./activity-log";

const ann = aUser("ann", "Ann");
const bob = aUser("bob", "Bob");

function msg(
  channelId: string,
  seq: number,
  at: string,
  sender = ann,
  kind: Message["kind"] = "audio",
): Message {
  return {
    id: `${channelId}-${seq}`,
    channelId,
    seq,
    sender,
    kind,
    ...(kind === "audio"
      ? { recording: { id: `r${seq}`, durationMs: 1_500, url: `/r/${seq}` } }
      : { body: "hi" }),
    createdAt: `2026-06-01T09:00:${at}.000Z`,
  };
}

const tl = (messages: Message[]): Timeline => ({ ...EMPTY_TIMELINE, messages, loaded: true });

describe("activity log", () => {
  const timelines = {
    gate: tl([msg("gate", 1, "01"), msg("gate", 2, "05", bob, "text"), msg("gate", 3, "09", ann, "system")]),
    ops: tl([msg("ops", 1, "03", bob), msg("ops", 2, "07")]),
    other: tl([msg("other", 1, "08")]),
  };

  it("merges the console's channels newest first, without system lines or other channels", () => {
    expect(activityLog(timelines, ["gate", "ops"]).map((m) => m.id)).toEqual([
      "ops-2",
      "gate-2",
      "ops-1",
      "gate-1",
    ]);
  });

  it("filters by channel and by person, and keeps to the limit", () => {
    expect(
      activityLog(timelines, ["gate", "ops"], { channelId: "ops", userId: "" }).map((m) => m.id),
    ).toEqual(["ops-2", "ops-1"]);
    expect(
      activityLog(timelines, ["gate", "ops"], { channelId: "", userId: bob.id }).map((m) => m.id),
    ).toEqual(["gate-2", "ops-1"]);
    expect(activityLog(timelines, ["gate", "ops"], undefined, 1)).toHaveLength(1);
  });

  it("a new message streams into its place", () => {
    const next = { ...timelines, gate: tl([...timelines.gate.messages, msg("gate", 4, "10", bob)]) };
    expect(activityLog(next, ["gate", "ops"])[0]!.id).toBe("gate-4");
  });

  it("lists senders by name, counts unread from others, and finds the last transmission", () => {
    expect(logSenders(timelines, ["gate", "ops"]).map((u) => u.username)).toEqual(["ann", "bob"]);
    expect(unreadCount(timelines.gate, 1, ann.id)).toBe(1);
    expect(unreadCount(timelines.gate, undefined, bob.id)).toBe(1);
    expect(unreadCount(undefined, 0, ann.id)).toBe(0);
    expect(lastTransmission(timelines.gate)?.id).toBe("gate-1");
    expect(lastTransmission(tl([]))).toBeNull();
  });
});
