import { describe, expect, it } from "vitest";
import { initials } from "./ui";

describe("avatar initials", () => {
  it.each([
    ["Olivia (Control)", "OC"],
    ["Bob Steward", "BS"],
    ["alice", "AL"],
    ["  Gate 3 lead ", "GL"],
    ["Émile Zola", "ÉZ"],
    ["(((", "?"],
    ["", "?"],
  ])("%s → %s", (name, expected) => {
    expect(initials(name)).toBe(expected);
  });
});
