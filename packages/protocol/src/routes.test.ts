import { describe, expect, it } from "vitest";
import {
  errorCodesOf,
  findLoneSurrogate,
  INVITE_CODE_INPUT_PATTERN,
  InviteCode,
  routePath,
  routes,
} from "./index.js";

describe("route table", () => {
  it("has unique operationIds and unique method + path pairs", () => {
    const all = Object.values(routes);
    expect(new Set(all.map((r) => r.operationId)).size).toBe(all.length);
    expect(new Set(all.map((r) => `${r.method} ${r.path}`)).size).toBe(all.length);
  });

  it("fills and encodes path parameters, and refuses missing ones", () => {
    expect(routePath(routes.patchChannelMember, { channelId: "a/b", userId: "u" })).toBe(
      "/channels/a%2Fb/members/u",
    );
    expect(() => routePath(routes.getEvent, {})).toThrow(/eventId/);
  });

  it("adds the errors a route's shape implies", () => {
    expect(errorCodesOf(routes.getMe)).toEqual([
      "invalid_token",
      "unauthenticated",
      "internal",
      "unavailable",
    ]);
    expect(errorCodesOf(routes.login)).toContain("unsupported_media_type");
    expect(errorCodesOf(routes.login)).not.toContain("unauthenticated");
  });

  it.each(["ABCD2345", "abcd-2345", " ab cd 23 45 ", "ABCD-234O", "ABCD234", "ABCD23456", "ABCD 2345 L"])(
    "the documented invite-code pattern agrees with the schema on %j",
    (code) => {
      expect(new RegExp(INVITE_CODE_INPUT_PATTERN).test(code)).toBe(InviteCode.safeParse(code).success);
    },
  );
});

describe("findLoneSurrogate", () => {
  it("names the first string or key with a lone surrogate", () => {
    expect(findLoneSurrogate({ a: "ok 🚀", b: [{ c: "x\ud800" }] })).toBe("b.0.c");
    expect(findLoneSurrogate({ "\udc00": 1 })).toBe("\udc00");
    expect(findLoneSurrogate("\ud83d")).toBe("(root)");
    expect(findLoneSurrogate({ a: "🚀", n: 1, z: null })).toBeNull();
  });

  it("walks deeply nested values without recursion", () => {
    let deep: unknown = "\ud800";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findLoneSurrogate(deep)).toMatch(/^0(\.0)+$/);
  });
});
