import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { HomeScreen } from "../../screens/HomeScreen";
import { renderHtml, textOf } from "../../test/render";
import { goneMessage, isGoneState } from "./gone-notice";

describe("coming home from a channel that is gone", () => {
  it("says the channel was deleted, or that you were removed, by name", () => {
    expect(goneMessage({ gone: { channelName: "Stewards", reason: "deleted" } })).toMatch(
      /^“Stewards” was deleted/,
    );
    expect(goneMessage({ gone: { channelName: "Stewards", reason: "revoked" } })).toMatch(
      /^You were removed from “Stewards”/,
    );
    expect(goneMessage({ gone: { channelName: null, reason: "revoked" } })).toMatch(
      /removed from that channel/,
    );
    expect(isGoneState({ gone: { reason: "other" } })).toBe(false);
    expect(isGoneState(null)).toBe(false);
  });

  it("home shows it when the channel screen sent you there, and nothing otherwise", () => {
    const sent = textOf(
      renderHtml(createElement(HomeScreen), {
        state: { gone: { channelName: "Medical", reason: "deleted" } },
      }),
    );
    expect(sent).toContain("“Medical” was deleted");
    expect(textOf(renderHtml(createElement(HomeScreen)))).not.toContain("was deleted");
  });
});
