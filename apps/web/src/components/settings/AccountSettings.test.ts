import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../../test/render";
import { AccountSettings } from "./AccountSettings";

describe("account settings", () => {
  it("offer to change the display name, filled with the current one", () => {
    const html = renderHtml(
      createElement(AccountSettings, { user: { displayName: "Olivia (Control)", username: "olivia" } }),
    );
    expect(html).toMatch(/<label for="display-name">Display name<\/label>/);
    expect(html).toMatch(/<input id="display-name"[^>]*value="Olivia \(Control\)"/);
    // Nothing to save until it changes.
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""[^>]*>Save<\/button>/);
  });
});
