import { describe, expect, it } from "vitest";
import { ClientMessage, CreateEventBody, HistoryQuery, InviteCode, RegisterBody } from "./index.js";

describe("schemas", () => {
  it("normalises invite codes typed by people", () => {
    expect(InviteCode.parse(" abcd-efgh ")).toBe("ABCDEFGH");
    expect(InviteCode.safeParse("ABCDEFG0").success).toBe(false); // 0 is not in the alphabet
    expect(InviteCode.safeParse("ABC").success).toBe(false);
  });

  it("rejects unknown fields in request bodies", () => {
    const r = RegisterBody.safeParse({ username: "ann", email: "a@b.co", password: "12345678", admin: true });
    expect(r.success).toBe(false);
  });

  it("checks event times are ordered", () => {
    const r = CreateEventBody.safeParse({
      name: "x",
      startsAt: "2026-01-02T00:00:00Z",
      endsAt: "2026-01-01T00:00:00Z",
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["endsAt"]);
  });

  it("takes before or after, not both", () => {
    expect(HistoryQuery.safeParse({ before: "5", after: "2" }).success).toBe(false);
    expect(HistoryQuery.parse({ after: "2" })).toEqual({ after: 2, limit: 50 });
  });

  it("discriminates socket messages by type", () => {
    expect(ClientMessage.safeParse({ type: "ptt.start", channelId: crypto.randomUUID() }).success).toBe(true);
    expect(ClientMessage.safeParse({ type: "nope" }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: "subscribe", channelId: "x" }).success).toBe(false);
  });
});
