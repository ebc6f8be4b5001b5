import { describe, expect, it } from "vitest";
import {
  AUTO_LOCK_MS,
  autoLockDue,
  radioDisplay,
  stepChannel,
  UNLOCK_HOLD_MS,
  unlockProgress,
} from "./radio-view";

const list = [{ id: "a" }, { id: "b" }, { id: "c" }];
const base = {
  connected: true,
  speakerName: null,
  talking: false,
  requesting: false,
  toggle: false,
  locked: false,
  mayTalk: true,
};

describe("radio mode", () => {
  it("steps through my channels and wraps at both ends", () => {
    expect(stepChannel(list, "a", 1)?.id).toBe("b");
    expect(stepChannel(list, "c", 1)?.id).toBe("a");
    expect(stepChannel(list, "a", -1)?.id).toBe("c");
    expect(stepChannel(list, "gone", 1)?.id).toBe("a");
    expect(stepChannel([{ id: "a" }], "a", 1)).toBeNull();
  });

  it("unlocks only after a full hold; auto-locks after a quiet spell", () => {
    expect(unlockProgress(0)).toBe(0);
    expect(unlockProgress(UNLOCK_HOLD_MS / 2)).toBe(0.5);
    expect(unlockProgress(UNLOCK_HOLD_MS * 3)).toBe(1);
    expect(unlockProgress(-5)).toBe(0);
    expect(autoLockDue(1_000, 1_000 + AUTO_LOCK_MS - 1)).toBe(false);
    expect(autoLockDue(1_000, 1_000 + AUTO_LOCK_MS)).toBe(true);
  });

  it("says who talks, that I am live, or that the line is clear", () => {
    expect(radioDisplay(base)).toEqual({ headline: "Channel clear", tone: "clear", action: "Hold to talk" });
    expect(radioDisplay({ ...base, speakerName: "Ann · @ann" })).toMatchObject({
      headline: "Ann · @ann",
      tone: "live",
    });
    expect(radioDisplay({ ...base, talking: true, toggle: true })).toEqual({
      headline: "LIVE — you are on air",
      tone: "me",
      action: "Tap to stop",
    });
    expect(radioDisplay({ ...base, connected: false }).tone).toBe("offline");
  });

  it("locked, the talk area says the headset still talks; listen-only says so first", () => {
    expect(radioDisplay({ ...base, locked: true }).action).toBe("Locked — headset button talks");
    expect(radioDisplay({ ...base, locked: true, mayTalk: false }).action).toBe("Listen only");
    expect(radioDisplay({ ...base, requesting: true }).action).toBe("Connecting…");
  });
});
