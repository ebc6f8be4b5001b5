import type { Event } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { anAlert, anEvent, aUser } from "../test/fixtures";
import { claimOffer } from "./claim-offer";
import { shouldReport } from "./location-throttle";
import { defaultSosEvent } from "./sos-event";
import { timeAgo } from "./time-ago";

const NOW = Date.parse("2026-07-10T14:00:00.000Z");
const ev = (name: string, startsAt: string | null, endsAt: string | null, createdAt?: string): Event =>
  anEvent({ name, startsAt, endsAt, ...(createdAt ? { createdAt } : {}) });

describe("which event the home SOS raises in", () => {
  it("the event running now beats one starting soon and one just ended", () => {
    const events = [
      ev("Ended", "2026-07-09T10:00:00.000Z", "2026-07-10T13:59:00.000Z"),
      ev("Running", "2026-07-10T09:00:00.000Z", "2026-07-10T23:00:00.000Z"),
      ev("Soon", "2026-07-10T14:01:00.000Z", null),
    ];
    expect(defaultSosEvent(events, NOW)?.name).toBe("Running");
  });

  it("otherwise the closest in time; undated events only when none is dated, newest first", () => {
    const dated = [
      ev("Tomorrow", "2026-07-11T14:00:00.000Z", null),
      ev("Last week", "2026-07-02T10:00:00.000Z", "2026-07-03T10:00:00.000Z"),
    ];
    expect(defaultSosEvent(dated, NOW)?.name).toBe("Tomorrow");
    const undated = [
      ev("Old", null, null, "2026-01-01T00:00:00.000Z"),
      ev("New", null, null, "2026-06-01T00:00:00.000Z"),
    ];
    expect(defaultSosEvent(undated, NOW)?.name).toBe("New");
    expect(defaultSosEvent([...undated, ...dated], NOW)?.name).toBe("Tomorrow");
    expect(defaultSosEvent([], NOW)).toBeNull();
  });
});

describe("live alert formatting and pacing", () => {
  it("says how long ago in words a steward reads at a glance", () => {
    expect(timeAgo(NOW, NOW + 2_000)).toBe("just now");
    expect(timeAgo(NOW, NOW + 45_000)).toBe("45 s ago");
    expect(timeAgo(NOW, NOW + 125_000)).toBe("2 min ago");
    expect(timeAgo(NOW, NOW + 3_600_000)).toBe("1 h ago");
    expect(timeAgo(NOW, NOW + 3_900_000)).toBe("1 h 5 min ago");
    expect(timeAgo(NOW, NOW - 5_000)).toBe("just now");
  });

  it("reports a position at once, then at most every 10 s", () => {
    expect(shouldReport(null, NOW)).toBe(true);
    expect(shouldReport(NOW, NOW + 9_999)).toBe(false);
    expect(shouldReport(NOW, NOW + 10_000)).toBe(true);
  });
});

describe("the claim button", () => {
  const me = aUser("olga");
  const mo = aUser("mo");
  const open = anAlert();

  it("unclaimed: I'm responding; refused with already_claimed before the update came: Take over", () => {
    expect(claimOffer(open, me.id, false)).toEqual({ label: "I'm responding", takeOver: false });
    expect(claimOffer(open, me.id, true)).toEqual({ label: "Take over", takeOver: true });
  });

  it("claimed by someone else: Take over; by me, or closed: nothing", () => {
    expect(claimOffer({ state: "claimed", claimedBy: mo }, me.id, false)).toEqual({
      label: "Take over",
      takeOver: true,
    });
    expect(claimOffer({ state: "claimed", claimedBy: me }, me.id, false)).toBeNull();
    expect(claimOffer({ state: "closed", claimedBy: null }, me.id, false)).toBeNull();
  });
});
