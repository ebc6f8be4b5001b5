import { INVITE_CODE_ALPHABET, LIMITS } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { INVITE_CODE_DENYLIST, newInviteCode, spellsAWord } from "./invite-code.js";

describe("invite codes", () => {
  it("are 8 characters of the unambiguous alphabet", () => {
    for (let i = 0; i < 1_000; i++) {
      const code = newInviteCode();
      expect(code).toHaveLength(LIMITS.inviteCodeLength);
      for (const ch of code) expect(INVITE_CODE_ALPHABET).toContain(ch);
    }
  });

  it("never spell a word of the denylist: such a draw is drawn again", () => {
    // A source that first spells "XFUCKXYZ", then "ABCDEFGH".
    const script = [..."XFUCKXYZ", ..."ABCDEFGH"].map((c) => INVITE_CODE_ALPHABET.indexOf(c));
    expect(script.every((i) => i >= 0)).toBe(true);
    let at = 0;
    expect(newInviteCode(() => script[at++]!)).toBe("ABCDEFGH");
    expect(at).toBe(16);
  });

  it("denylist words can be spelled by the alphabet (else they guard nothing)", () => {
    for (const w of INVITE_CODE_DENYLIST)
      expect(
        [...w].every((c) => INVITE_CODE_ALPHABET.includes(c)),
        w,
      ).toBe(true);
    expect(spellsAWord("QQSEXQQQ")).toBe(true);
    expect(spellsAWord("QQSEQXQQ")).toBe(false);
  });
});
