/** The invite card carries the server's inviteUrl (not this page's origin) and shows the
 *  address phones should open. */
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderHtml, textOf } from "../test/render";
import { InviteCodeCard, phoneAddress } from "./InviteCodeCard";

afterEach(() => vi.unstubAllGlobals());

describe("InviteCodeCard", () => {
  it("shows the origin of the server's inviteUrl, not the organiser's own address", () => {
    vi.stubGlobal("location", { origin: "http://127.0.0.1:8000", host: "127.0.0.1:8000" });
    const html = renderHtml(
      createElement(InviteCodeCard, { code: "ABCD2345", url: "https://192.168.1.20:8000/join/ABCD2345" }),
    );
    expect(textOf(html)).toContain("Phones open https://192.168.1.20:8000");
    expect(html).not.toContain("127.0.0.1");
    expect(html).toContain('data-code="ABCD2345"');
  });

  it("falls back to this page's origin without an inviteUrl", () => {
    vi.stubGlobal("location", { origin: "https://venue.test:8443", host: "venue.test:8443" });
    const html = renderHtml(createElement(InviteCodeCard, { code: "ABCD2345" }));
    expect(textOf(html)).toContain("Phones open https://venue.test:8443");
  });

  it("phoneAddress is the link's origin", () => {
    expect(phoneAddress("https://radio.example.org/join/ABCD2345")).toBe("https://radio.example.org");
    expect(phoneAddress("not a url")).toBe("not a url");
  });
});
