import { describe, expect, it } from "vitest";
import { talkAvailability } from "./talk-availability";

const ready = { connected: true, subscribed: true, talkingElsewhere: false };

describe("talk availability", () => {
  it("follows abilities.talk: listen only without it, whatever the role", () => {
    expect(talkAvailability({ talk: false, interrupt: false }, ready)).toEqual({
      mayTalk: false,
      enabled: false,
      offerPriority: false,
    });
    expect(talkAvailability({ talk: true, interrupt: false }, ready)).toEqual({
      mayTalk: true,
      enabled: true,
      offerPriority: false,
    });
  });

  it("offers priority only with abilities.interrupt, and never to someone who may not talk", () => {
    expect(talkAvailability({ talk: true, interrupt: true }, ready).offerPriority).toBe(true);
    expect(talkAvailability({ talk: false, interrupt: true }, ready).offerPriority).toBe(false);
  });

  it("a press waits for the connection and the subscription, and one transmission at a time", () => {
    const may = { talk: true, interrupt: true };
    expect(talkAvailability(may, { ...ready, connected: false }).enabled).toBe(false);
    expect(talkAvailability(may, { ...ready, subscribed: false }).enabled).toBe(false);
    expect(talkAvailability(may, { ...ready, talkingElsewhere: true }).enabled).toBe(false);
    // Still "may talk": the button is not shown as listen-only while it waits.
    expect(talkAvailability(may, { ...ready, connected: false }).mayTalk).toBe(true);
  });
});
