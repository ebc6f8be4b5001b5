/** The event screen per state: loading, failed, and what a participant and an organiser are offered. */
import { createElement } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/problem";
import { queryKeys } from "../state/queries/keys";
import { aChannel, aMember, anEvent, aUser } from "../test/fixtures";
import { type RenderOptions, renderHtml, seedError, textOf } from "../test/render";
import { EventScreen } from "./EventScreen";

const signedIn = vi.hoisted(() => ({ user: null as { id: string } | null }));
vi.mock("../auth/session", async (actual) => ({
  ...(await actual<typeof import("../auth/session")>()),
  useSessionStore: <T>(select: (s: { session: { user: { id: string } } | null }) => T) =>
    select({ session: signedIn.user && { user: signedIn.user } }),
}));
beforeEach(() => {
  // Invite codes are shown with a /join link on this origin.
  vi.stubGlobal("location", { origin: "https://won.example" });
});
afterEach(() => {
  signedIn.user = null;
  vi.unstubAllGlobals();
});

const pat = aUser("pat", "Pat Participant");
const olga = aUser("olga", "Olga Organiser");

function render(eventId: string, seed?: RenderOptions["seed"]) {
  return renderHtml(createElement(EventScreen), {
    path: `/events/${eventId}`,
    route: "/events/:eventId",
    seed,
  });
}

describe("EventScreen", () => {
  it("loading: a spinner until the event arrives", () => {
    expect(textOf(render(anEvent().id))).toBe("Loading event…");
  });

  it("failed: the error in words and a way home", () => {
    const id = anEvent().id;
    const html = render(id, (qc) =>
      seedError(qc, queryKeys.event(id), new ApiError(403, "not_a_member", "Not a member")),
    );
    expect(html).toContain('class="form-error"');
    expect(html).toContain('href="/"');
    expect(textOf(html)).toContain("Back home");
  });

  it("a participant: details and channels, no edit, invite, new channel or delete", () => {
    signedIn.user = pat;
    const ev = anEvent({ name: "Harbour Festival", myRole: "participant" });
    const ch = aChannel({ eventId: ev.id, name: "Stewards" });
    const html = render(ev.id, (qc) => {
      qc.setQueryData(queryKeys.event(ev.id), { ...ev, channels: [ch] });
      qc.setQueryData(queryKeys.eventMembers(ev.id), [
        aMember(olga, "organiser"),
        aMember(pat, "participant"),
      ]);
    });
    const text = textOf(html);
    expect(html).toContain('<h1 class="screen-title">Harbour Festival</h1>');
    expect(text).toContain("Participant");
    expect(html).toContain(`href="/channels/${ch.id}"`);
    expect(text).toContain("# Stewards");
    for (const absent of [
      "Edit",
      "Invite code",
      "New channel",
      "Danger zone",
      "Delete event",
      "Leave event",
    ]) {
      expect(text).not.toContain(absent);
    }
  });

  it("a participant whose row may be removed is offered Leave event", () => {
    signedIn.user = pat;
    const ev = anEvent();
    const html = render(ev.id, (qc) => {
      qc.setQueryData(queryKeys.event(ev.id), ev);
      qc.setQueryData(queryKeys.eventMembers(ev.id), [aMember(pat, "participant", { remove: true })]);
    });
    expect(textOf(html)).toContain("Leave event");
    expect(textOf(html)).toContain("No channels yet.");
    expect(textOf(html)).not.toContain("Create the first one below");
  });

  it("an organiser: edit, invite code with a new-code button, new channel and delete", () => {
    signedIn.user = olga;
    const ev = anEvent({
      myRole: "organiser",
      inviteCode: "K7QM2XPA",
      abilities: { edit: true, invite: true, rotateInvite: true, createChannel: true, delete: true },
    });
    const html = render(ev.id, (qc) => {
      qc.setQueryData(queryKeys.event(ev.id), ev);
      qc.setQueryData(queryKeys.eventMembers(ev.id), [aMember(olga, "organiser")]);
    });
    const text = textOf(html);
    expect(html).toMatch(/<button[^>]*>Edit<\/button>/);
    expect(html).toContain('data-testid="invite-code" data-code="K7QM2XPA"');
    expect(html).toMatch(/<button[^>]*>New code<\/button>/);
    expect(text).toContain("Create the first one below.");
    expect(html).toContain('aria-label="New channel"');
    expect(html).toMatch(/<button[^>]*>Delete event<\/button>/);
    // An organiser's own row is not removable here (the event must keep one): no Leave.
    expect(text).not.toContain("Leave event");
  });

  it("the member list shows while the event's members load", () => {
    const ev = anEvent();
    const html = render(ev.id, (qc) => qc.setQueryData(queryKeys.event(ev.id), ev));
    expect(textOf(html)).toContain("Loading members…");
  });
});
