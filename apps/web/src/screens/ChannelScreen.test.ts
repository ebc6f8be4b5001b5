/**
 * The channel screen per state: loading, failed, a listener, a channel moderator, and the live
 * state (who is online and talking) read from the live store, replaced here by a plain object.
 */
import { createElement } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/problem";
import { queryKeys } from "../state/queries/keys";
import { aChannel, anEvent, aUser } from "../test/fixtures";
import { type RenderOptions, renderHtml, seedError, textOf } from "../test/render";
import { ChannelScreen } from "./ChannelScreen";

const live = vi.hoisted(() => ({ state: {} as Record<string, unknown> }));
vi.mock("../state/live-store", async (actual) => ({
  ...(await actual<typeof import("../state/live-store")>()),
  useLive: <T>(select: (s: never) => T) => select(live.state as never),
}));

const ann = aUser("ann", "Ann Control");
const bob = aUser("bob", "Bob Steward");

function setLive(channels: Record<string, unknown> = {}, status = "open") {
  live.state = { status, retryAt: null, channels, timelines: {}, talk: null, denial: null, lastStop: null };
}

function render(channelId: string, seed?: RenderOptions["seed"]) {
  return renderHtml(createElement(ChannelScreen), {
    path: `/channels/${channelId}`,
    route: "/channels/:channelId",
    seed,
  });
}

beforeEach(() => {
  setLive();
  // Invite codes are shown with a /join link on this origin.
  vi.stubGlobal("location", { origin: "https://won.example" });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("ChannelScreen", () => {
  it("loading: a spinner until the channel arrives", () => {
    expect(textOf(render(aChannel().id))).toBe("Loading channel…");
  });

  it("failed: the error in words and a way home", () => {
    const id = aChannel().id;
    const html = render(id, (qc) =>
      seedError(qc, queryKeys.channel(id), new ApiError(404, "not_found", "No such channel")),
    );
    expect(html).toContain('class="form-error"');
    expect(textOf(html)).toContain("Back home");
  });

  it("a listener on a standalone channel: listen-only button, no tools, no leave, Home crumb", () => {
    const c = aChannel({ name: "Car park", description: "Level 2", abilities: { talk: false } });
    const html = render(c.id, (qc) => qc.setQueryData(queryKeys.channel(c.id), c));
    const text = textOf(html);
    expect(html).toContain('<h1 class="screen-title"># Car park</h1>');
    expect(html).toMatch(/<nav class="small" aria-label="Breadcrumb"><a href="\/"[^>]*>Home<\/a><\/nav>/);
    expect(html).toMatch(/data-testid="talk-button"[^>]*disabled=""/);
    expect(text).toContain("Listen only");
    expect(text).toContain("Level 2");
    expect(text).not.toContain("Channel tools");
    expect(text).not.toContain("Leave channel");
    expect(html).toMatch(/<button[^>]*aria-pressed="false"[^>]*>.*Monitor<\/button>/);
    // Not subscribed yet: nobody listed, and the timeline waits for its first page.
    expect(text).toContain("Connecting…");
    expect(text).toContain("Loading messages…");
  });

  it("an event channel shows the event's name in the breadcrumb once cached", () => {
    const ev = anEvent({ name: "Harbour Festival" });
    const c = aChannel({ eventId: ev.id, abilities: { talk: true } });
    const html = render(c.id, (qc) => {
      qc.setQueryData(queryKeys.channel(c.id), c);
      qc.setQueryData(queryKeys.event(ev.id), ev);
    });
    expect(html).toMatch(new RegExp(`<a href="/events/${ev.id}"[^>]*>Harbour Festival</a>`));
  });

  it("a channel moderator who joined with its code: tools and Leave channel", () => {
    const c = aChannel({
      myRole: "moderator",
      inviteCode: "K7QM2XPA",
      abilities: { talk: true, interrupt: true, moderate: true, invite: true, leave: true },
    });
    const html = render(c.id, (qc) => qc.setQueryData(queryKeys.channel(c.id), c));
    const text = textOf(html);
    expect(html).toContain('<summary class="tools-summary">Channel tools</summary>');
    expect(html).toContain('data-code="K7QM2XPA"');
    expect(text).not.toContain("New code");
    expect(text).toContain("Leave channel");
    expect(text).toContain("Priority: interrupt whoever is talking");
    expect(html).not.toMatch(/data-testid="talk-button"[^>]*disabled=""/);
  });

  it("live: who is online, and who is talking", () => {
    const c = aChannel({ abilities: { talk: true } });
    setLive({
      [c.id]: {
        subscribed: true,
        online: [ann, bob],
        speaker: { user: ann, streamId: 1, since: 0, priority: false },
      },
    });
    const html = render(c.id, (qc) => qc.setQueryData(queryKeys.channel(c.id), c));
    expect(html).toContain('data-testid="online-list"');
    expect(html).toContain('class="online-list list"');
    expect(textOf(html)).toContain("Online 2");
    expect(html).toContain('<bdi data-testid="speaker">Ann Control</bdi>');
    expect(html).toMatch(/data-state="busy"/);
  });

  it("after the socket drops, the last known list is shown dimmed", () => {
    const c = aChannel({ abilities: { talk: true } });
    setLive({ [c.id]: { subscribed: false, online: [bob], speaker: null } }, "reconnecting");
    const html = render(c.id, (qc) => qc.setQueryData(queryKeys.channel(c.id), c));
    expect(html).toContain('class="online-list list stale"');
    expect(html).toContain('aria-label="Last known, reconnecting"');
    expect(textOf(html)).toContain("Waiting for connection…");
  });
});
