/**
 * The member lists, rendered to HTML: which controls each row shows follows that row's
 * abilities, never the roles. Node has no DOM, so the components are rendered with
 * react-dom/server from a seeded query cache; a server render reads a zustand store's initial
 * state, so the signed-in user comes from a stand-in for the session hook.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { Member } from "@won/protocol";
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryKeys as qk } from "../state/queries/keys";
import { aMember, anId, aUser } from "../test/fixtures";
import { ChannelMembers } from "./ChannelMembers";
import { MembersList } from "./MembersList";

function render(element: ReactElement, seed: (qc: QueryClient) => void): string {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY } } });
  seed(qc);
  // The rows' Call buttons navigate, so the lists render inside a router.
  return renderToStaticMarkup(
    createElement(QueryClientProvider, { client: qc }, createElement(MemoryRouter, null, element)),
  );
}

const signedIn = vi.hoisted(() => ({ user: null as { id: string } | null }));
vi.mock("../auth/session", async (actual) => ({
  ...(await actual<typeof import("../auth/session")>()),
  useSessionStore: <T>(select: (s: { session: { user: { id: string } } | null }) => T) =>
    select({ session: signedIn.user && { user: signedIn.user } }),
}));

function signInAs(user: Member["user"]) {
  signedIn.user = user;
}

const removeButton = (who: Member["user"]) => `aria-label="Remove ${who.displayName} · @${who.username}"`;
const roleSelect = (who: Member["user"]) => `aria-label="Role of ${who.displayName} · @${who.username}"`;

afterEach(() => {
  signedIn.user = null;
});

describe("event members", () => {
  const eventId = anId();
  const mona = aUser("mona", "Mona Moderator");
  const max = aUser("max", "Max Moderator");
  const pat = aUser("pat", "Pat Participant");
  const olga = aUser("olga", "Olga Organiser");

  it("a moderator sees Remove on a participant's row but not on another moderator's or an organiser's", () => {
    signInAs(mona);
    // As the server's policy presents the list to Mona: she may remove participants only.
    const members = [
      aMember(olga, "organiser"),
      aMember(mona, "moderator", { remove: true }),
      aMember(max, "moderator"),
      aMember(pat, "participant", { remove: true }),
    ];
    const html = render(createElement(MembersList, { eventId }), (qc) =>
      qc.setQueryData(qk.eventMembers(eventId), members),
    );

    expect(html).toContain(removeButton(pat));
    expect(html).not.toContain(removeButton(max));
    expect(html).not.toContain(removeButton(olga));
    // Her own row: leaving is the "Leave event" action, not a Remove in the list.
    expect(html).not.toContain(removeButton(mona));
    // No role changes for her; roles are shown with their labels instead.
    expect(html).not.toContain("<select");
    expect(html).toContain(">Moderator</span>");
    expect(html).toContain(">Participant</span>");
    expect(html).toContain(">Organiser</span>");
  });

  it("the controls come from the abilities, not the role: the same row with other abilities shows them", () => {
    signInAs(olga);
    const members = [
      aMember(olga, "organiser", { remove: true, changeRole: true }),
      aMember(max, "moderator", { remove: true, changeRole: true }),
    ];
    const html = render(createElement(MembersList, { eventId }), (qc) =>
      qc.setQueryData(qk.eventMembers(eventId), members),
    );

    expect(html).toContain(removeButton(max));
    expect(html).toContain(roleSelect(max));
    // The select keeps the raw roles as values (what the API takes) and shows labels.
    expect(html).toContain('<option value="participant">Participant</option>');
    expect(html).not.toContain(removeButton(olga));
    expect(html).not.toContain(roleSelect(olga));
  });

  it("offers Reset password only on rows whose abilities say so", () => {
    signInAs(olga);
    const members = [
      aMember(olga, "organiser", { resetPassword: true }),
      aMember(max, "moderator", { remove: true }),
      aMember(pat, "participant", { remove: true, resetPassword: true }),
    ];
    const html = render(createElement(MembersList, { eventId }), (qc) =>
      qc.setQueryData(qk.eventMembers(eventId), members),
    );
    const resetButton = (who: Member["user"]) =>
      `aria-label="Reset password of ${who.displayName} · @${who.username}"`;
    expect(html).toContain(resetButton(pat));
    expect(html).not.toContain(resetButton(max));
    // Never on one's own row, whatever the row says.
    expect(html).not.toContain(resetButton(olga));
  });
});

describe("channel members", () => {
  const channelId = anId();
  const mod = aUser("mod", "Channel Mod");
  const admin = aUser("ada", "Ada Admin");
  const walt = aUser("walt", "Walt Listener");
  const direct = aUser("dee", "Dee Direct");

  it("a channel moderator may mute and remove plain members only, and never an event member here", () => {
    signInAs(mod);
    const members = [
      aMember(admin, "admin", {}, { canSpeak: true }),
      aMember(mod, "moderator", { remove: true }, { canSpeak: true }),
      // Walt's membership comes from the event: mutable here, removable only on the event.
      aMember(walt, "member", { setCanSpeak: true }, { canSpeak: false }),
      aMember(direct, "member", { setCanSpeak: true, remove: true }, { canSpeak: true }),
    ];
    const html = render(createElement(ChannelMembers, { channelId }), (qc) =>
      qc.setQueryData(qk.channelMembers(channelId), members),
    );
    const row = (who: Member["user"]) => {
      const start = html.indexOf(`<bdi>${who.displayName}</bdi>`);
      return html.slice(start, html.indexOf("</li>", start));
    };

    expect(row(admin)).toMatch(/<input type="checkbox"[^>]*disabled=""/);
    expect(row(mod)).toMatch(/<input type="checkbox"[^>]*disabled=""/);
    expect(row(walt)).not.toMatch(/disabled=""/);
    expect(row(walt)).not.toMatch(/checked=""/);
    expect(row(direct)).not.toMatch(/disabled=""/);
    expect(html).toContain(removeButton(direct));
    expect(html).not.toContain(removeButton(walt));
    expect(html).not.toContain(removeButton(admin));
    expect(html).not.toContain(removeButton(mod));
    expect(html).not.toContain("<select");
    expect(row(admin)).toContain(">Channel admin</span>");
    expect(row(walt)).toContain(">Member</span>");
  });
});
