import { describe, expect, it } from "vitest";
import {
  ClientMessage,
  CreateEventBody,
  DisplayName,
  HistoryQuery,
  InviteCode,
  PatchMeBody,
  RegisterBody,
  Username,
  visibleDisplayName,
} from "./index.js";

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

  describe("display names", () => {
    it("are normalised to NFKC, trimmed, and inner whitespace runs collapse to one space", () => {
      expect(DisplayName.parse("  Olivia   (Control) ")).toBe("Olivia (Control)");
      expect(DisplayName.parse("Event\u00a0\u3000 Control")).toBe("Event Control");
      // Full-width letters and the "ﬁ" ligature are compatibility forms of plain ones.
      expect(DisplayName.parse("Ｏｌｉｖｉａ ﬁeld")).toBe("Olivia field");
      // Composed and decomposed accents become one form.
      expect(DisplayName.parse("Zoe\u0308")).toBe("Zoë");
    });

    it("keep letters, accents, scripts and emoji people use", () => {
      for (const name of ["Zoë Ní Bhriain", "李雷", "مريم", "Ólafur 🎧", "❤️ Crew", "Steward #3 – Gate B"])
        expect(DisplayName.parse(name), name).toBe(name);
    });

    it("reject control, format and invisible characters and lone surrogates", () => {
      const bad: Record<string, string> = {
        NUL: "Event\u0000Control",
        newline: "Event\nControl",
        tab: "Event\tControl",
        DEL: "Event\u007fControl",
        "C1 control": "Event\u0085Control",
        "zero-width space": "Event\u200bControl",
        "zero-width joiner": "Event\u200dControl",
        "zero-width non-joiner": "Event\u200cControl",
        "word joiner": "Event Control\u2060",
        "soft hyphen": "Event Con\u00adtrol",
        "left-to-right mark": "\u200eEvent Control",
        "right-to-left override": "\u202elortnoC tnevE",
        "bidi isolate": "\u2066Event Control\u2069",
        "Arabic letter mark": "Event\u061c Control",
        BOM: "\ufeffEvent Control",
        "tag characters": "Event Control\u{E0041}",
        "Hangul filler": "Event Control\u3164",
        "braille blank": "Event Control\u2800",
        "variation selector on a letter": "Event Control\ufe0f",
        "lone high surrogate": "Event Control\ud800",
        "lone low surrogate": "\udc00Event Control",
      };
      for (const [what, name] of Object.entries(bad)) {
        const r = DisplayName.safeParse(name);
        expect(r.success, what).toBe(false);
        expect(r.error?.issues[0]?.message, what).toMatch(/control|invisible|formatting/);
      }
    });

    it("stored names from before the rules are shown with the refused characters dropped", () => {
      expect(visibleDisplayName("\u202eEvent\u200b  Con\u00adtrol\n")).toBe("Event Control");
      expect(visibleDisplayName("❤️\ufe0f Crew\ufe0f")).toBe("❤️ Crew");
      expect(visibleDisplayName("\u200b\u2066")).toBe("");
    });

    it("must keep something visible within the limit", () => {
      expect(DisplayName.safeParse("   ").success).toBe(false);
      expect(DisplayName.safeParse("\u3000\u00a0").success).toBe(false);
      expect(DisplayName.parse(`${"x".repeat(64)}   `)).toHaveLength(64);
      expect(DisplayName.safeParse("x".repeat(65)).success).toBe(false);
      // The limit applies to the normalised name: this ligature expands to 18 characters.
      expect(DisplayName.safeParse("\ufdfa".repeat(4)).success).toBe(false);
    });

    it("name the displayName field when register or PATCH /me refuse one", () => {
      const register = RegisterBody.safeParse({
        username: "ann",
        email: "a@b.co",
        password: "12345678",
        displayName: "Event\u200bControl",
      });
      expect(register.success).toBe(false);
      expect(register.error?.issues.map((i) => i.path)).toEqual([["displayName"]]);
      const patch = PatchMeBody.safeParse({ displayName: "Event\nControl" });
      expect(patch.success).toBe(false);
      expect(patch.error?.issues.map((i) => i.path)).toEqual([["displayName"]]);
      expect(PatchMeBody.parse({ displayName: " Event  Control " })).toEqual({
        displayName: "Event Control",
      });
    });
  });

  it("ids are accepted only in the lower-case form the server issues", () => {
    const id = "8a98d5a0-79dd-47f9-a978-fb4d6264684d";
    expect(ClientMessage.safeParse({ type: "subscribe", channelId: id }).success).toBe(true);
    const upper = ClientMessage.safeParse({ type: "subscribe", channelId: id.toUpperCase() });
    expect(upper.success).toBe(false);
    expect(upper.error?.issues[0]?.path).toEqual(["channelId"]);
  });

  it("usernames are plain ASCII letters, digits, '_', '.' and '-'", () => {
    expect(Username.parse("olivia.control")).toBe("olivia.control");
    for (const name of [
      "ol ivia",
      "olivia\u200b",
      "ｏｌｉｖｉａ",
      "olívia",
      "olivia\n",
      "оlivia" /* Cyrillic о */,
    ])
      expect(Username.safeParse(name).success, JSON.stringify(name)).toBe(false);
  });
});
