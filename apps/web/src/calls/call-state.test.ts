import { describe, expect, it, vi } from "vitest";
import { aUser } from "../test/fixtures";
import {
  COUNTED_MAX,
  callBannerText,
  callEnded,
  callStarted,
  directMessage,
  dismissed,
  EMPTY_CALLS,
  viewing,
} from "./call-state";
import { createCallWatcher } from "./direct-calls";

const olga = aUser("olga", "Olga Organiser");
const me = aUser("sam", "Sam Steward");
const msg = (id: string, channelId: string, sender = olga) => ({ id, channelId, sender });

describe("call state", () => {
  it("a call raises the banner, stays after it ends as a call to answer, and goes when viewed", () => {
    let s = callStarted(EMPTY_CALLS, "d1", olga, 7);
    expect(s.incoming).toEqual({ channelId: "d1", caller: olga, streamId: 7, live: true });
    expect(callBannerText(s.incoming!, "Olga Organiser")).toBe("📞 Olga Organiser is calling you");
    expect(callEnded(s, 8)).toBe(s);
    s = callEnded(s, 7);
    expect(s.incoming?.live).toBe(false);
    expect(callBannerText(s.incoming!, "Olga Organiser")).toBe("📞 Olga Organiser called you");
    expect(viewing(s, "other").incoming).not.toBeNull();
    expect(viewing(s, "d1").incoming).toBeNull();
    expect(dismissed(s).incoming).toBeNull();
  });

  it("no banner for the call on screen", () => {
    const s = viewing(EMPTY_CALLS, "d1");
    expect(callStarted(s, "d1", olga, 1).incoming).toBeNull();
  });

  it("counts another's messages once each while the channel is not on screen; opening it reads them", () => {
    let s = directMessage(EMPTY_CALLS, msg("m1", "d1"), me.id);
    s = directMessage(s, msg("m1", "d1"), me.id);
    s = directMessage(s, msg("m2", "d1"), me.id);
    s = directMessage(s, msg("m3", "d1", me), me.id);
    expect(s.unread).toEqual({ d1: 2 });
    s = viewing(s, "d1");
    expect(s.unread).toEqual({});
    expect(directMessage(s, msg("m4", "d1"), me.id).unread).toEqual({});
    s = viewing(s, null);
    expect(directMessage(s, msg("m5", "d1"), me.id).unread).toEqual({ d1: 1 });
  });

  it("remembers a bounded number of counted messages", () => {
    let s = EMPTY_CALLS;
    for (let i = 0; i < COUNTED_MAX + 10; i++) s = directMessage(s, msg(`m${i}`, "d1"), me.id);
    expect(s.counted).toHaveLength(COUNTED_MAX);
    expect(s.unread.d1).toBe(COUNTED_MAX + 10);
  });
});

describe("call watcher", () => {
  function setup(kinds: Record<string, "direct" | "group">, fetched: "direct" | "group" = "direct") {
    let state = EMPTY_CALLS;
    const deps = {
      selfId: () => me.id,
      cachedKind: (id: string) => kinds[id] ?? null,
      fetchChannel: vi.fn(async () => ({ kind: fetched })),
      prefetchChannels: vi.fn(),
      cue: vi.fn(),
      update: (fn: (s: typeof state) => typeof state) => {
        state = fn(state);
      },
    };
    const watch = createCallWatcher(deps);
    const started = (channelId: string, user = olga, streamId = 3) =>
      watch({ type: "speaker.started", channelId, streamId, user, priority: false });
    return { deps, watch, started, state: () => state };
  }

  it("a known direct channel raises the banner (the pocket cues ring for it); a group channel does not", () => {
    const t = setup({ d1: "direct", g1: "group" });
    t.started("g1");
    expect(t.state().incoming).toBeNull();
    t.started("d1");
    expect(t.state().incoming?.channelId).toBe("d1");
    expect(t.deps.cue).not.toHaveBeenCalled();
    expect(t.deps.fetchChannel).not.toHaveBeenCalled();
  });

  it("a first call on an unknown channel fetches it, then rings and raises the banner", async () => {
    const t = setup({});
    t.started("d9");
    await vi.waitFor(() => expect(t.state().incoming?.channelId).toBe("d9"));
    expect(t.deps.cue).toHaveBeenCalledWith("directCall");
  });

  it("an unknown channel that turns out to be a group channel stays quiet; my own talk is no call", async () => {
    const t = setup({ d1: "direct" }, "group");
    t.started("x");
    t.started("d1", me);
    await Promise.resolve();
    await Promise.resolve();
    expect(t.state().incoming).toBeNull();
    expect(t.deps.cue).not.toHaveBeenCalled();
  });

  it("counts direct messages from message.created and speaker.stopped, and prefetches the list on ready", () => {
    const t = setup({ d1: "direct", g1: "group" });
    const message = (id: string, channelId: string) => ({
      id,
      channelId,
      seq: 1,
      sender: olga,
      kind: "text" as const,
      body: "hi",
      createdAt: new Date().toISOString(),
    });
    t.watch({ type: "message.created", channelId: "d1", message: message("a", "d1") });
    t.watch({ type: "message.created", channelId: "g1", message: message("b", "g1") });
    t.watch({
      type: "speaker.stopped",
      channelId: "d1",
      streamId: 3,
      userId: olga.id,
      reason: "released",
      message: message("c", "d1"),
    });
    expect(t.state().unread).toEqual({ d1: 2 });
    t.watch({ type: "ready", sessionId: "s", user: me, heartbeatMs: 1, openAlerts: [] });
    expect(t.deps.prefetchChannels).toHaveBeenCalled();
  });
});
