import { describe, expect, it } from "vitest";
import { aMember, aUser } from "../test/fixtures";
import { memberControls } from "./member-controls";
import { roleLabel } from "./role-label";

describe("member row controls", () => {
  it("are the row's abilities, whatever the roles", () => {
    const mo = aUser("mo");
    expect(memberControls(aMember(mo, "moderator"), "someone-else")).toEqual({
      remove: false,
      changeRole: false,
      setCanSpeak: false,
      resetPassword: false,
    });
    expect(
      memberControls(aMember(mo, "participant", { remove: true, resetPassword: true }), "someone-else"),
    ).toEqual({ remove: true, changeRole: false, setCanSpeak: false, resetPassword: true });
  });

  it("offer nothing on one's own row (leaving is its own action)", () => {
    const me = aUser("me");
    const all = { remove: true, changeRole: true, setCanSpeak: true, resetPassword: true };
    expect(memberControls(aMember(me, "admin", all), me.id)).toEqual({
      remove: false,
      changeRole: false,
      setCanSpeak: false,
      resetPassword: false,
    });
  });
});

describe("role labels", () => {
  it("read as words, not enum values", () => {
    expect(roleLabel("organiser")).toBe("Organiser");
    expect(roleLabel("moderator")).toBe("Moderator");
    expect(roleLabel("participant")).toBe("Participant");
    expect(roleLabel("admin")).toBe("Channel admin");
    expect(roleLabel("member")).toBe("Member");
    expect(roleLabel("steward")).toBe("steward");
  });
});
