/**
 * One alert on the staff alarm, rendered to HTML: who, where (distance and bearing from me, the
 * map link), the actions a claim state offers, and that the alarm cannot shrink before a claim.
 */
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryKeys } from "../../state/queries/keys";
import { aChannel, anAlert, anEvent, aUser } from "../../test/fixtures";
import { renderHtml, textOf } from "../../test/render";
import { AlarmCard } from "./AlarmCard";

const signedIn = vi.hoisted(() => ({ user: null as { id: string } | null }));
vi.mock("../../auth/session", async (actual) => ({
  ...(await actual<typeof import("../../auth/session")>()),
  useSessionStore: <T>(select: (s: { session: { user: { id: string } } | null }) => T) =>
    select({ session: signedIn.user && { user: signedIn.user } }),
}));
afterEach(() => {
  signedIn.user = null;
  vi.unstubAllGlobals();
});

const olga = aUser("olga", "Olga Organiser");
const mo = aUser("mo", "Mo Moderator");
const gate = aChannel({ name: "Gate" });
const ev = anEvent({ name: "Summer Festival", channels: [gate] });
const RAISED = "2026-06-01T09:00:00.000Z";
const NOW = Date.parse(RAISED) + 125_000;
const DESK = { lat: 51.5, lon: -0.12 };

function render(alert: ReturnType<typeof anAlert>, me: typeof DESK | null = DESK) {
  vi.stubGlobal("navigator", { userAgent: "Mozilla/5.0 (X11; Linux x86_64)" });
  signedIn.user = olga;
  return renderHtml(createElement(AlarmCard, { alert, me, now: NOW }), {
    seed: (qc) => qc.setQueryData(queryKeys.event(ev.id), ev),
  });
}

describe("AlarmCard", () => {
  const located = anAlert({
    eventId: ev.id,
    channelId: gate.id,
    createdAt: RAISED,
    location: { lat: 51.5009, lon: -0.12, accuracyM: 8, at: RAISED },
  });

  it("an unclaimed alert: raiser, event and channel, time ago, distance and bearing, claim — no Minimise", () => {
    const text = textOf(render(located));
    expect(text).toContain("SOS · Sam Steward @steward");
    expect(text).toContain("Summer Festival · # Gate · raised 2 min ago");
    expect(text).toContain("100 m N of you");
    expect(text).toContain("I'm responding");
    expect(text).not.toContain("Minimise");
    expect(render(located)).toContain(
      'href="https://www.openstreetmap.org/?mlat=51.500900&amp;mlon=-0.120000',
    );
    // Not on Android: no geo: link.
    expect(render(located)).not.toContain("geo:");
  });

  it("without my own position it still says a location was shared, and without one says so", () => {
    expect(textOf(render(located, null))).toContain("Location shared");
    expect(textOf(render(anAlert({ eventId: ev.id })))).toContain("No location shared");
  });

  it("claimed by someone else: who owns it, Take over, and now it may be minimised", () => {
    const text = textOf(render({ ...located, state: "claimed", claimedBy: mo, claimedAt: RAISED }));
    expect(text).toContain("Handled by Mo Moderator");
    expect(text).toContain("Take over");
    expect(text).not.toContain("I'm responding");
    expect(text).toContain("Minimise");
  });

  it("claimed by me: no claim button, 'Handled by you', escalations shown", () => {
    const text = textOf(render({ ...located, state: "claimed", claimedBy: olga, escalations: 2 }));
    expect(text).toContain("Handled by you");
    expect(text).not.toContain("Take over");
    expect(text).toContain("re-sent 2×");
  });
});
