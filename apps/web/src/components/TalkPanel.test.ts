/**
 * The talk panel rendered per live state. The live store is replaced by a plain state object
 * (a server render would only see the store's initial state); the branching itself is unit
 * tested in ptt/talk-panel-view.test.ts, this checks that each branch reaches the page with the
 * selectors the end-to-end tests use.
 */
import { createElement } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { aUser } from "../test/fixtures";
import { renderHtml, textOf } from "../test/render";
import { TalkPanel } from "./TalkPanel";

const live = vi.hoisted(() => ({ state: {} as Record<string, unknown> }));
vi.mock("../state/live-store", async (actual) => ({
  ...(await actual<typeof import("../state/live-store")>()),
  useLive: <T>(select: (s: never) => T) => select(live.state as never),
}));

const device = vi.hoisted(() => ({ touch: false, soundOff: false, replay: null as unknown }));
vi.mock("../hooks/useDevice", () => ({
  useTouchOnly: () => device.touch,
  useSoundOff: () => device.soundOff,
}));
vi.mock("../audio/missed-queue", async (actual) => ({
  ...(await actual<typeof import("../audio/missed-queue")>()),
  useMissedQueue: <T>(select: (s: never) => T) => select({ queue: [], playing: device.replay } as never),
}));

const CH = "00000000-0000-4000-8000-0000000000c1";
const ann = aUser("ann", "Ann Control");

function setLive(over: Record<string, unknown> = {}, channel: Record<string, unknown> = {}) {
  live.state = {
    status: "open",
    retryAt: null,
    channels: { [CH]: { subscribed: true, online: [], speaker: null, ...channel } },
    timelines: {},
    talk: null,
    denial: null,
    lastStop: null,
    ...over,
  };
}

const talker = { talk: true, interrupt: false };
const render = (abilities = talker) => renderHtml(createElement(TalkPanel, { channelId: CH, abilities }));
const buttonState = (html: string) => html.match(/data-state="([a-z]+)"/)?.[1];

beforeEach(() => {
  setLive();
  device.touch = false;
  device.soundOff = false;
  device.replay = null;
});

describe("TalkPanel", () => {
  it("idle: clear channel, Hold to talk, and the key to press", () => {
    const html = render();
    expect(buttonState(html)).toBe("idle");
    expect(textOf(html)).toContain("Channel is clear");
    expect(html).toContain('aria-label="Hold to talk"');
    expect(textOf(html)).toContain("Or press Space and hold");
    expect(html).not.toMatch(/data-testid="talk-button"[^>]*disabled/);
  });

  it("a replay of a missed transmission says so instead of 'Channel is clear'", () => {
    device.replay = {
      id: "m1",
      channelId: CH,
      createdAt: new Date(2026, 0, 1, 14, 2).toISOString(),
      sender: aUser("olivia", "Olivia"),
    };
    const html = render();
    expect(textOf(html)).toMatch(/Replay · \S+( [AP]M)? · Olivia · @olivia/);
    expect(textOf(html)).not.toContain("Channel is clear");
    expect(html).toContain('class="now-talking replay"');
  });

  it("touch screen: no 'press Space' hint", () => {
    device.touch = true;
    expect(textOf(render())).not.toContain("Or press");
  });

  it("sound off: the button says the first tap turns sound on", () => {
    device.soundOff = true;
    const html = render();
    expect(html).toContain('aria-label="Tap to turn sound on"');
    expect(html).toMatch(/<section[^>]*data-testid="talk-panel"/);
  });

  it("busy: who is talking, with the speaker test id", () => {
    setLive({}, { speaker: { user: ann, streamId: 3, since: Date.now(), priority: false } });
    const html = render();
    expect(buttonState(html)).toBe("busy");
    expect(html).toContain('<bdi data-testid="speaker">Ann Control</bdi>');
    expect(html).toContain('class="now-talking live"');
    expect(textOf(html)).toContain("Busy");
  });

  it("denied: the reason with the denied test id, busy naming the speaker", () => {
    setLive({ denial: { channelId: CH, reason: "busy", speakerName: "Ann Control · @ann", at: Date.now() } });
    const html = render();
    expect(buttonState(html)).toBe("denied");
    expect(html).toContain('<span data-testid="denied">Ann Control · @ann is talking</span>');
    expect(html).toContain('class="now-talking denied"');
  });

  it("denied for storage quota: says what happened and what to do", () => {
    setLive({ denial: { channelId: CH, reason: "quota_exceeded", at: Date.now() } });
    expect(textOf(render())).toMatch(/recordings is full.*ask an organiser to free space/);
  });

  it("on air: On air, the timer, the meter shown, Release to stop", () => {
    setLive({ talk: { channelId: CH, phase: "talking", since: Date.now(), maxDurationMs: 60_000 } });
    const html = render();
    expect(buttonState(html)).toBe("talking");
    expect(html).toContain('aria-pressed="true"');
    expect(textOf(html)).toContain("You're on air 0:00");
    expect(html).toContain('class="now-talking me"');
    expect(html).toMatch(/<div class="meter" aria-hidden="true"><div class="fill"><\/div><\/div>/);
    expect(html).not.toContain('data-testid="talk-countdown"');
  });

  it("on air near the cap: the seconds left", () => {
    setLive({ talk: { channelId: CH, phase: "talking", since: Date.now() - 55_000, maxDurationMs: 60_000 } });
    expect(render()).toMatch(/data-testid="talk-countdown">\d+ s left/);
  });

  it("pre-empted: the cut is explained", () => {
    setLive({ lastStop: { channelId: CH, reason: "preempted", at: Date.now() } });
    expect(render()).toContain('<span data-testid="cut">A moderator took over the channel</span>');
  });

  it("listen only: the button is disabled and says so", () => {
    const html = render({ talk: false, interrupt: false });
    expect(html).toMatch(/data-testid="talk-button"[^>]*disabled=""/);
    expect(html).toContain('aria-label="Hold to talk (not allowed on this channel)"');
    expect(textOf(html)).toContain("Listen only");
  });

  it("priority: offered to those who may interrupt", () => {
    expect(textOf(render({ talk: true, interrupt: true }))).toContain(
      "Priority: interrupt whoever is talking",
    );
    expect(textOf(render())).not.toContain("Priority");
  });

  it("offline: waiting for the connection", () => {
    setLive({ status: "reconnecting" });
    expect(textOf(render())).toContain("Waiting for connection…");
  });

  it("talking on another channel: says so here", () => {
    setLive({ talk: { channelId: "elsewhere", phase: "talking", since: Date.now() } });
    const html = render();
    expect(buttonState(html)).toBe("idle");
    expect(textOf(html)).toContain("You're talking on another channel");
  });

  it("insecure (http) page: says why the microphone is blocked and where to go, not 'no Opus encoder'", () => {
    vi.stubGlobal("window", { isSecureContext: false });
    vi.stubGlobal("location", { host: "192.168.1.20:8000", origin: "http://192.168.1.20:8000" });
    try {
      setLive({ denial: { channelId: CH, reason: "insecure_context", at: Date.now() } });
      const html = render();
      const insecure =
        "This page isn't secure (http), so your browser blocks the microphone. Open https://192.168.1.20:8000 (the organiser's address) instead";
      expect(html).toContain('data-testid="insecure-context"');
      expect(textOf(html)).toContain(insecure);
      expect(textOf(html)).not.toContain("no Opus encoder");
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("secure page: no insecure-context notice", () => {
    vi.stubGlobal("window", { isSecureContext: true });
    try {
      expect(render()).not.toContain('data-testid="insecure-context"');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
