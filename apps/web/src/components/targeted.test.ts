/**
 * Targeted talk in the components, rendered to HTML from a seeded cache: patch links on the
 * event's channel list, the patch tools only with the `patch` ability, the Direct calls section
 * on home, a direct channel's screen, and Call on member rows but one's own.
 */
import type { Patch } from "@won/protocol";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ChannelScreen } from "../screens/ChannelScreen";
import { queryKeys } from "../state/queries/keys";
import { aChannel, aMember, anEvent, aUser } from "../test/fixtures";
import { renderHtml, textOf } from "../test/render";
import { EventChannels } from "./event/EventChannels";
import { EventPatches } from "./event/EventPatches";
import { DirectCalls } from "./home/DirectCalls";
import { MyChannels } from "./home/MyChannels";
import { MembersList } from "./MembersList";

const signedIn = vi.hoisted(() => ({ user: null as { id: string } | null }));
vi.mock("../auth/session", async (actual) => ({
  ...(await actual<typeof import("../auth/session")>()),
  useSessionStore: <T>(select: (s: { session: { user: { id: string } } | null }) => T) =>
    select({ session: signedIn.user && { user: signedIn.user } }),
}));
afterEach(() => {
  signedIn.user = null;
});

const gate = aChannel({ name: "Gate" });
const medical = aChannel({ name: "Medical" });
const ops = aChannel({ name: "Ops" });
const patchOf = (eventId: string, ...ids: string[]): Patch => ({
  id: "p1",
  eventId,
  channelIds: ids,
  createdBy: "u",
  createdAt: new Date(0).toISOString(),
});

describe("patches", () => {
  it("the event's channel list shows what each channel is patched with", () => {
    const ev = anEvent({ channels: [gate, medical, ops] });
    const html = renderHtml(createElement(EventChannels, { event: ev }), {
      seed: (qc) => qc.setQueryData(queryKeys.eventPatches(ev.id), [patchOf(ev.id, gate.id, medical.id)]),
    });
    const text = textOf(html);
    expect(text).toContain("# Gate ⛓ patched with Medical");
    expect(text).toContain("# Medical ⛓ patched with Gate");
    expect(text).not.toContain("# Ops ⛓");
  });

  it("patch tools need the patch ability; a patched channel is not offered again", () => {
    const plain = anEvent({ channels: [gate, medical, ops] });
    expect(renderHtml(createElement(EventPatches, { event: plain }))).toBe("");

    const staff = anEvent({ channels: [gate, medical, ops], abilities: { patch: true } });
    const seed = (patches: Patch[]) => ({
      seed: (qc: import("@tanstack/react-query").QueryClient) =>
        qc.setQueryData(queryKeys.eventPatches(staff.id), patches),
    });
    const none = textOf(renderHtml(createElement(EventPatches, { event: staff }), seed([])));
    expect(none).toContain("# Gate # Medical # Ops Patch");
    expect(none).not.toContain("Unpatch");

    const one = textOf(
      renderHtml(
        createElement(EventPatches, { event: staff }),
        seed([patchOf(staff.id, gate.id, medical.id)]),
      ),
    );
    expect(one).toContain("Gate ⛓ Medical Unpatch");
    // One channel left free: nothing to patch it with, so no form.
    expect(one).not.toContain("Channels to patch");
  });
});

describe("direct calls", () => {
  const olga = aUser("olga", "Olga Organiser");
  const call = aChannel({ name: "Olga Organiser", kind: "direct", peer: olga, abilities: { talk: true } });
  const standalone = aChannel({ name: "Crew" });

  it("home lists direct channels under Direct calls, and not among my channels", () => {
    const seed = {
      seed: (qc: import("@tanstack/react-query").QueryClient) =>
        qc.setQueryData(queryKeys.channels, [call, standalone]),
    };
    const direct = textOf(renderHtml(createElement(DirectCalls), seed));
    expect(direct).toContain("Direct calls 📞 Olga Organiser @olga");
    const mine = textOf(renderHtml(createElement(MyChannels), seed));
    expect(mine).toContain("# Crew");
    expect(mine).not.toContain("Olga");
    expect(
      renderHtml(createElement(DirectCalls), {
        seed: (qc) => qc.setQueryData(queryKeys.channels, [standalone]),
      }),
    ).toBe("");
  });

  it("a direct channel's screen is titled after the other person, without invite, members or leave", () => {
    const html = renderHtml(createElement(ChannelScreen), {
      path: `/channels/${call.id}`,
      route: "/channels/:channelId",
      seed: (qc) => qc.setQueryData(queryKeys.channel(call.id), call),
    });
    const text = textOf(html);
    expect(text).toContain("Call with Olga Organiser");
    expect(text).not.toContain("# Olga");
    expect(text).not.toMatch(/Invite|Leave|Who may talk|All-call/);
    expect(html).toContain('data-testid="talk-button"');
  });

  it("every member row but my own offers Call", () => {
    const me = aUser("me", "Me Myself");
    const sam = aUser("sam", "Sam Steward");
    signedIn.user = me;
    const ev = anEvent();
    const html = renderHtml(createElement(MembersList, { eventId: ev.id }), {
      seed: (qc) =>
        qc.setQueryData(queryKeys.eventMembers(ev.id), [
          aMember(me, "organiser"),
          aMember(sam, "participant"),
        ]),
    });
    expect(html).toContain('aria-label="Call Sam Steward · @sam"');
    expect(html).not.toContain('aria-label="Call Me Myself');
  });
});
