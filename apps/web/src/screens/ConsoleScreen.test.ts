/**
 * The console rendered to HTML: a tile per event channel and per direct call, who talks where,
 * busy and denied per tile, unread counts, the stored mix, and the activity log. The live store
 * is replaced by a plain object, as on the channel screen.
 */
import type { Message } from "@won/protocol";
import { createElement } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { EMPTY_CONSOLE } from "../console/console-settings";
import { queryKeys } from "../state/queries/keys";
import { aChannel, anEvent, aUser } from "../test/fixtures";
import { renderHtml, textOf } from "../test/render";
import { EMPTY_TIMELINE } from "../timeline/timeline";
import { ConsoleScreen } from "./ConsoleScreen";

const live = vi.hoisted(() => ({ state: {} as Record<string, unknown> }));
vi.mock("../state/live-store", async (actual) => ({
  ...(await actual<typeof import("../state/live-store")>()),
  useLive: <T>(select: (s: never) => T) => select(live.state as never),
}));

const mix = vi.hoisted(() => ({ state: null as Record<string, unknown> | null }));
vi.mock("../console/console-settings", async (actual) => {
  const real = await actual<typeof import("../console/console-settings")>();
  const read = () => mix.state ?? { userId: "", ...real.EMPTY_CONSOLE };
  return {
    ...real,
    useConsoleSettings: <T>(select?: (s: never) => T) => (select ? select(read() as never) : read()),
  };
});

const bob = aUser("bob", "Bob Steward");
const cat = aUser("cat", "Cat Steward");
const gate = aChannel({ name: "Gate", abilities: { talk: true } });
const ops = aChannel({ name: "Ops", abilities: { talk: true } });
const call = aChannel({ name: "", kind: "direct", peer: cat });
const ev = anEvent({ name: "Festival", channels: [gate, ops], abilities: { handleAlerts: true } });

function audioMsg(channelId: string, seq: number, sender = bob): Message {
  return {
    id: `${channelId}-${seq}`,
    channelId,
    seq,
    sender,
    kind: "audio",
    recording: { id: `r${seq}`, durationMs: 4_000, url: `/r/${seq}` },
    createdAt: "2026-06-01T09:00:00.000Z",
  };
}

function render() {
  return renderHtml(createElement(ConsoleScreen), {
    path: `/events/${ev.id}/console`,
    route: "/events/:eventId/console",
    seed: (qc) => {
      qc.setQueryData(queryKeys.event(ev.id), ev);
      qc.setQueryData(queryKeys.channels, [gate, ops, call]);
    },
  });
}

beforeEach(() => {
  live.state = {
    status: "open",
    retryAt: null,
    channels: {
      [gate.id]: {
        subscribed: true,
        online: [bob, cat],
        speaker: { user: bob, streamId: 1, since: 0, priority: false },
      },
      [ops.id]: { subscribed: true, online: [cat], speaker: null },
    },
    timelines: {
      [gate.id]: {
        ...EMPTY_TIMELINE,
        loaded: true,
        messages: [audioMsg(gate.id, 1), audioMsg(gate.id, 2, cat)],
      },
    },
    talk: null,
    denial: { channelId: ops.id, reason: "busy", speakerName: "Dan · @dan", at: Date.now() },
    lastStop: null,
  };
  mix.state = null;
});

describe("ConsoleScreen", () => {
  it("a tile per event channel and per direct call, numbered for the 1–9 keys", () => {
    const html = render();
    expect(html.match(/data-testid="console-tile"/g)).toHaveLength(3);
    const text = textOf(html);
    expect(text).toContain("# Gate");
    expect(text).toContain("# Ops");
    expect(text).toContain("↔ Cat Steward");
    expect(text).toContain("Select a channel (1–9)");
  });

  it("shows who talks where, busy and denied per tile, online counts and the last transmission", () => {
    const html = render();
    expect(html).toMatch(new RegExp(`data-channel="${gate.id}" data-state="busy"`));
    expect(html).toMatch(new RegExp(`data-channel="${ops.id}" data-state="denied"`));
    const text = textOf(html);
    expect(text).toContain("Bob Steward");
    expect(text).toContain("2 online");
    expect(text).toContain("Cat Steward · ");
    expect(text).toContain("0:04");
  });

  it("lists every transmission in the activity log with a replay", () => {
    const html = render();
    expect(html.match(/data-testid="log-entry"/g)).toHaveLength(2);
    expect(html.match(/data-testid="log-replay"/g)).toHaveLength(2);
  });

  it("renders the stored mix of the signed-in user", () => {
    mix.state = {
      ...EMPTY_CONSOLE,
      userId: "me",
      channels: { [gate.id]: { volumeDb: -6, pan: "left", muted: true, priority: true } },
    };
    const html = render();
    expect(html).toMatch(/aria-pressed="true" data-testid="tile-pan-left"/);
    expect(html).toMatch(/aria-pressed="true" data-testid="tile-mute"/);
    expect(html).toMatch(/aria-pressed="true" data-testid="tile-priority"/);
  });
});
