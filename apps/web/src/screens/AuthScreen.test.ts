/** The sign-in and register screens per mode, and a signed-in visitor sent on. */
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderHtml, textOf } from "../test/render";
import { AuthScreen } from "./AuthScreen";

const signedIn = vi.hoisted(() => ({ yes: false }));
vi.mock("../auth/session", async (actual) => ({
  ...(await actual<typeof import("../auth/session")>()),
  useSessionStore: <T>(select: (s: { session: object | null }) => T) =>
    select({ session: signedIn.yes ? {} : null }),
}));
afterEach(() => {
  signedIn.yes = false;
});

describe("AuthScreen", () => {
  it("sign in: one login field and the password, with Sign in marked as the current tab", () => {
    const html = renderHtml(createElement(AuthScreen, { mode: "signin" }), { path: "/signin" });
    const text = textOf(html);
    expect(html).toContain('<h2 id="auth-title">Sign in</h2>');
    expect(text).toContain("Username or email");
    expect(text).toContain("Password");
    expect(text).not.toContain("Display name");
    expect(html).toMatch(/<a[^>]*aria-current="page"[^>]*>Sign in<\/a>/);
    expect(html).toMatch(/<button class="btn primary block" type="submit">Sign in<\/button>/);
    // No rules shown for a password being typed in, only for one being chosen.
    expect(text).not.toContain("At least");
  });

  it("register: username, display name, email and password, with their hints", () => {
    const html = renderHtml(createElement(AuthScreen, { mode: "register" }), { path: "/register" });
    const text = textOf(html);
    expect(html).toContain('<h2 id="auth-title">Create your account</h2>');
    for (const label of ["Username", "Display name", "Email", "Password"]) {
      expect(html).toContain(`>${label}</label>`);
    }
    expect(text).not.toContain("Username or email");
    expect(text).toMatch(/At least \d+ characters/);
    expect(text).toContain("What others see when you talk (optional)");
    expect(html).toMatch(/<a[^>]*aria-current="page"[^>]*>Create account<\/a>/);
  });

  it("keeps ?next on both tabs, so a /join link survives registering", () => {
    const html = renderHtml(createElement(AuthScreen, { mode: "signin" }), {
      path: "/signin?next=%2Fjoin%2FK7QM2XPA",
    });
    expect(html).toContain('href="/register?next=%2Fjoin%2FK7QM2XPA"');
  });

  it("a signed-in visitor sees no form (they are sent on)", () => {
    signedIn.yes = true;
    const html = renderHtml(createElement(AuthScreen, { mode: "signin" }), { path: "/signin" });
    expect(html).not.toContain("<form");
  });

  it("following an invite while signed out: says what it is to, and keeps it through sign-in", () => {
    const html = renderHtml(createElement(AuthScreen, { mode: "register" }), {
      path: "/register?next=%2Fjoin%2FABCD2345",
      seed: (qc) =>
        qc.setQueryData(["invite-preview", "ABCD2345"], {
          kind: "channel",
          name: "Gate 3",
          eventName: "Harbour Festival",
        }),
    });
    expect(textOf(html)).toContain("You're invited to Gate 3 at Harbour Festival");
    // The tabs keep the destination, so the join happens after either form.
    expect(html).toContain('href="/signin?next=%2Fjoin%2FABCD2345"');
  });

  it("without an invite there is no welcome", () => {
    const html = renderHtml(createElement(AuthScreen, { mode: "signin" }), {
      path: "/signin?next=%2Fevents",
    });
    expect(html).not.toContain("invite-welcome");
  });
});
