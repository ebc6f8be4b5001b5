import { beforeEach, describe, expect, it } from "vitest";
import {
  consoleSettingsActions,
  DEFAULT_DUCK_DB,
  DEFAULT_MIX,
  mixOf,
  parseConsoleSettings,
  storageKey,
  useConsoleSettings,
} from "./console-settings";

function memory() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

describe("console settings", () => {
  let store = memory();
  let actions = consoleSettingsActions(() => store);
  beforeEach(() => {
    store = memory();
    actions = consoleSettingsActions(() => store);
    useConsoleSettings.setState({ userId: "" }, false);
    actions.useUser("");
  });

  it("persists each user's mix under their own key and loads it back", () => {
    actions.useUser("ann");
    actions.setMix("gate", { pan: "left", volumeDb: -6 });
    actions.setMix("gate", { priority: true });
    actions.setDuckDb(18);
    actions.setUserGain("bob", 6);
    expect(JSON.parse(store.items.get(storageKey("ann"))!)).toMatchObject({
      channels: { gate: { pan: "left", volumeDb: -6, priority: true, muted: false } },
      duckDb: 18,
      userGains: { bob: 6 },
    });

    actions.useUser("cat");
    expect(mixOf(useConsoleSettings.getState(), "gate")).toEqual(DEFAULT_MIX);
    expect(useConsoleSettings.getState().duckDb).toBe(DEFAULT_DUCK_DB);

    actions.useUser("ann");
    expect(mixOf(useConsoleSettings.getState(), "gate").pan).toBe("left");
    expect(useConsoleSettings.getState().userGains.bob).toBe(6);
  });

  it("only moves the seen mark forward", () => {
    actions.useUser("ann");
    actions.markSeen("gate", 5);
    actions.markSeen("gate", 3);
    expect(useConsoleSettings.getState().lastSeen.gate).toBe(5);
  });

  it("reads garbage as defaults and clamps what is out of range", () => {
    expect(parseConsoleSettings("{not json")).toEqual({
      channels: {},
      duckDb: 12,
      userGains: {},
      lastSeen: {},
    });
    const s = parseConsoleSettings(
      JSON.stringify({
        channels: { a: { volumeDb: 400, pan: "up", muted: "yes" } },
        duckDb: -30,
        userGains: { u: -1000, v: "loud" },
        lastSeen: { a: 1.5, b: 7 },
      }),
    );
    expect(s.channels.a).toEqual({ volumeDb: 12, pan: "centre", muted: false, priority: false });
    expect(s.duckDb).toBe(30);
    expect(s.userGains).toEqual({ u: -40 });
    expect(s.lastSeen).toEqual({ b: 7 });
  });
});
