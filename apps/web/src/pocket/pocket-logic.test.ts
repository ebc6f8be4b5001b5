import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ROGER_BEEP_MS, rogerBeepBlocks } from "../audio/cues";
import { liveAudioOn } from "../audio/live-gate";
import { aUser } from "../test/fixtures";
import { createPressFilter, isMediaToggle, keyId, matchesKey } from "./headset-keys";
import { installLifecycle } from "./lifecycle";
import { startStillLiveReminder, stillLiveWanted } from "./live-reminder";

describe("headset and keyboard buttons", () => {
  it("stores the physical code, or the key when a phone reports none", () => {
    expect(keyId({ code: "AudioVolumeUp", key: "AudioVolumeUp" })).toBe("AudioVolumeUp");
    expect(keyId({ code: "", key: "Enter" })).toBe("Enter");
    expect(keyId({ code: "Unidentified", key: "MediaPlayPause" })).toBe("MediaPlayPause");
    expect(matchesKey({ code: "", key: "VolumeUp" }, "VolumeUp")).toBe(true);
    expect(matchesKey({ code: "KeyT", key: "t" }, "KeyT")).toBe(true);
    expect(matchesKey({ code: "KeyT", key: "t" }, "Space")).toBe(false);
  });

  it("media keys toggle, unless one was learned as the talk key (then the talk mode rules)", () => {
    expect(isMediaToggle({ code: "MediaPlayPause", key: "MediaPlayPause" }, "Space")).toBe(true);
    expect(isMediaToggle({ code: "", key: "HeadsetHook" }, "Space")).toBe(true);
    expect(isMediaToggle({ code: "MediaPlayPause", key: "MediaPlayPause" }, "MediaPlayPause")).toBe(false);
    expect(isMediaToggle({ code: "Enter", key: "Enter" }, "Space")).toBe(false);
  });

  it("one press arriving both as a key and as a session action toggles once", () => {
    let t = 1_000;
    const accept = createPressFilter(400, () => t);
    expect(accept()).toBe(true);
    t += 50;
    expect(accept()).toBe(false);
    t += 400;
    expect(accept()).toBe(true);
  });
});

describe("still-live reminder of toggle mode", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("ticks every 10 s only while on air in toggle mode, and stops with the transmission", () => {
    expect(stillLiveWanted({ phase: "talking" }, "toggle")).toBe(true);
    expect(stillLiveWanted({ phase: "talking" }, "hold")).toBe(false);
    expect(stillLiveWanted({ phase: "requesting" }, "toggle")).toBe(false);
    expect(stillLiveWanted(null, "toggle")).toBe(false);
    let emit: (w: boolean) => void = () => {};
    const tick = vi.fn();
    const stop = startStillLiveReminder((cb) => {
      emit = cb;
      return () => {};
    }, tick);
    emit(true);
    emit(true); // a second change while live does not start a second timer
    vi.advanceTimersByTime(25_000);
    expect(tick).toHaveBeenCalledTimes(2);
    emit(false);
    vi.advanceTimersByTime(30_000);
    expect(tick).toHaveBeenCalledTimes(2);
    emit(true);
    stop();
    vi.advanceTimersByTime(30_000);
    expect(tick).toHaveBeenCalledTimes(2);
  });
});

describe("roger beep", () => {
  it("is 120 ms of audible, click-free tone in 20 ms encoder blocks", () => {
    const blocks = rogerBeepBlocks();
    expect(blocks.length).toBe(ROGER_BEEP_MS / 20);
    for (const b of blocks) expect(b.length).toBe(960);
    const all = blocks.flatMap((b) => [...b]);
    expect(Math.abs(all[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(all.at(-1)!)).toBeLessThan(0.01);
    expect(Math.max(...all)).toBeGreaterThan(0.25);
    expect(Math.max(...all.map(Math.abs))).toBeLessThan(0.301);
  });
});

describe("missed replays wait for clear air", () => {
  const ann = aUser("ann");
  const me = aUser("me");
  const speaker = (u: typeof ann) => ({ user: u, streamId: 1, since: 0, priority: false });
  it("someone else talking, or me talking, is live; my own echo or silence is not", () => {
    expect(liveAudioOn({ channels: { a: { speaker: null } }, talk: null }, me.id)).toBe(false);
    expect(liveAudioOn({ channels: { a: { speaker: speaker(ann) } }, talk: null }, me.id)).toBe(true);
    expect(liveAudioOn({ channels: { a: { speaker: speaker(me) } }, talk: null }, me.id)).toBe(false);
    expect(liveAudioOn({ channels: {}, talk: { channelId: "a", phase: "requesting" } }, me.id)).toBe(true);
  });
});

describe("sleep and wake", () => {
  it("closes the socket on freeze; reconnects and resumes audio on resume and back/forward restore", () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: "hidden" }) as unknown as Document;
    const win = new EventTarget() as unknown as Window;
    const d = { drop: vi.fn(), nudge: vi.fn(), resumeAudio: vi.fn() };
    const remove = installLifecycle(d, doc, win);
    doc.dispatchEvent(new Event("freeze"));
    expect(d.drop).toHaveBeenCalledTimes(1);
    expect(d.nudge).not.toHaveBeenCalled();
    doc.dispatchEvent(new Event("resume"));
    expect(d.nudge).toHaveBeenCalledTimes(1);
    expect(d.resumeAudio).toHaveBeenCalledTimes(1);
    win.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: false }));
    expect(d.nudge).toHaveBeenCalledTimes(1);
    win.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: true }));
    expect(d.nudge).toHaveBeenCalledTimes(2);
    doc.dispatchEvent(new Event("visibilitychange"));
    expect(d.resumeAudio).toHaveBeenCalledTimes(2); // hidden: nothing
    (doc as { visibilityState: string }).visibilityState = "visible";
    doc.dispatchEvent(new Event("visibilitychange"));
    expect(d.resumeAudio).toHaveBeenCalledTimes(3);
    remove();
    doc.dispatchEvent(new Event("freeze"));
    expect(d.drop).toHaveBeenCalledTimes(1);
  });
});
