import { describe, expect, it } from "vitest";
import { forgetUserSettings, getSettings, useSettings } from "./settings-store";

describe("settings at sign-out", () => {
  it("forgets the user's monitored channels and keeps the device's preferences", () => {
    useSettings
      .getState()
      .update({ monitored: ["c1", "c2"], pttKey: "KeyT", theme: "dark", pttMode: "toggle" });
    forgetUserSettings();
    expect(getSettings()).toMatchObject({ monitored: [], pttKey: "KeyT", theme: "dark", pttMode: "toggle" });
  });
});
