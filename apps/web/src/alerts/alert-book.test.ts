import { describe, expect, it } from "vitest";
import { anAlert, aUser } from "../test/fixtures";
import { alarmLayout, alarmsFor, EMPTY_BOOK, mineOf, seedAlerts, upsertAlert } from "./alert-book";

const me = aUser("olga", "Olga Organiser");
const mo = aUser("mo", "Mo Moderator");

describe("the alert book", () => {
  it("raised then updated: the newer copy wins", () => {
    const a = anAlert();
    let b = upsertAlert(EMPTY_BOOK, a);
    b = upsertAlert(b, { ...a, escalations: 1 });
    expect(b.byId[a.id]?.escalations).toBe(1);
  });

  it("never moves backwards: a late open copy does not undo a claim, nor a claim a close", () => {
    const a = anAlert();
    const claimed = { ...a, state: "claimed" as const, claimedBy: mo, claimedAt: a.createdAt };
    const closed = { ...claimed, state: "closed" as const, outcome: "resolved" as const, closedBy: mo };
    let b = upsertAlert(EMPTY_BOOK, claimed);
    b = upsertAlert(b, { ...a, escalations: 3 });
    expect(b.byId[a.id]?.state).toBe("claimed");
    b = upsertAlert(b, closed);
    b = upsertAlert(b, claimed);
    expect(b.byId[a.id]?.state).toBe("closed");
  });

  it("a take-over (claimed → claimed by someone else) is applied; a copy with fewer recordings is stale", () => {
    const rec = { id: anAlert().id, durationMs: 4_000, url: "/api/v1/recordings/x" };
    const a = { ...anAlert(), state: "claimed" as const, claimedBy: mo, recordings: [rec] };
    let b = upsertAlert(EMPTY_BOOK, a);
    b = upsertAlert(b, { ...a, claimedBy: me });
    expect(b.byId[a.id]?.claimedBy?.id).toBe(me.id);
    b = upsertAlert(b, { ...a, recordings: [] });
    expect(b.byId[a.id]?.recordings).toHaveLength(1);
  });

  it("ready replaces what is not closed: one closed while away is dropped, closed ones held stay", () => {
    const gone = anAlert();
    const still = anAlert();
    const closedMine = { ...anAlert({ raisedBy: me }), state: "closed" as const };
    let b = [gone, still, closedMine].reduce(upsertAlert, EMPTY_BOOK);
    b = seedAlerts(b, [{ ...still, escalations: 2 }]);
    expect(Object.keys(b.byId).sort()).toEqual([still.id, closedMine.id].sort());
    expect(b.byId[still.id]?.escalations).toBe(2);
  });

  it("ready does not undo a claim the client already holds from a fresher message", () => {
    const a = anAlert();
    const claimed = { ...a, state: "claimed" as const, claimedBy: mo };
    const b = seedAlerts(upsertAlert(EMPTY_BOOK, claimed), [a]);
    expect(b.byId[a.id]?.state).toBe("claimed");
  });

  it("alarms: others' alerts not closed, unclaimed first, then oldest first; mine go to the banner", () => {
    const old = anAlert({ createdAt: "2026-06-01T09:00:00.000Z" });
    const young = anAlert({ createdAt: "2026-06-01T09:05:00.000Z" });
    const handled = { ...anAlert({ createdAt: "2026-06-01T08:00:00.000Z" }), state: "claimed" as const };
    const closed = { ...anAlert(), state: "closed" as const };
    const mine = anAlert({ raisedBy: me });
    const b = [young, handled, old, closed, mine].reduce(upsertAlert, EMPTY_BOOK);
    expect(alarmsFor(b, me.id).map((a) => a.id)).toEqual([old.id, young.id, handled.id]);
    expect(mineOf(b, me.id, new Set()).map((a) => a.id)).toEqual([mine.id]);
    expect(mineOf(b, me.id, new Set([mine.id]))).toEqual([]);
  });

  it("an alarm shrinks to a bar only once claimed; the tone sounds while any is unclaimed", () => {
    const open = anAlert();
    const claimed = { ...anAlert(), state: "claimed" as const };
    const asked = new Set([open.id, claimed.id]);
    const l = alarmLayout([open, claimed], asked);
    expect(l.full.map((a) => a.id)).toEqual([open.id]);
    expect(l.bars.map((a) => a.id)).toEqual([claimed.id]);
    expect(l.sounding).toBe(true);
    expect(alarmLayout([claimed], new Set()).full).toHaveLength(1);
    expect(alarmLayout([claimed], new Set()).sounding).toBe(false);
  });
});
