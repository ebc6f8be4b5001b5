import { describe, expect, it } from "vitest";
import { inviteCodeOf, inviteTitle } from "./InviteWelcome";

describe("invite welcome", () => {
  it("finds the code of a join destination only", () => {
    expect(inviteCodeOf("/join/ABCD2345")).toBe("ABCD2345");
    expect(inviteCodeOf("/join/abcd-2345?x=1")).toBe("abcd-2345");
    expect(inviteCodeOf("/events/1")).toBeNull();
    expect(inviteCodeOf("/")).toBeNull();
  });

  it("says what the invite is to", () => {
    expect(inviteTitle({ kind: "event", name: "Harbour Festival", eventName: null })).toBe(
      "You're invited to Harbour Festival",
    );
    expect(inviteTitle({ kind: "channel", name: "Crew bus", eventName: null })).toBe(
      "You're invited to the channel Crew bus",
    );
  });
});
