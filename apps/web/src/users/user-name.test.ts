import { describe, expect, it } from "vitest";
import { shownName, userLabel } from "./user-name";

describe("user names on screen", () => {
  it("two people with one display name are told apart by their usernames", () => {
    const real = { displayName: "Event Control", username: "control" };
    const other = { displayName: "Event Control", username: "eve" };
    expect(userLabel(real)).toBe("Event Control · @control");
    expect(userLabel(other)).toBe("Event Control · @eve");
    expect(userLabel(real)).not.toBe(userLabel(other));
  });

  it("drops bidi overrides and zero-width characters from names stored before the rules", () => {
    expect(shownName({ displayName: "\u202elortnoC tnevE", username: "eve" })).toBe("lortnoC tnevE");
    expect(shownName({ displayName: "Event\u200b Control\u2066", username: "eve" })).toBe("Event Control");
    // A right-to-left override cannot run into the username either.
    expect(userLabel({ displayName: "Olivia\u202e", username: "olivia" })).toBe("Olivia · @olivia");
  });

  it("falls back to the username when nothing visible is left", () => {
    expect(shownName({ displayName: "\u200b\u200d", username: "ghost" })).toBe("ghost");
    expect(userLabel({ displayName: "\ufeff", username: "ghost" })).toBe("ghost · @ghost");
  });
});
