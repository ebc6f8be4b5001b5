/** The alerts repository on SQLite and on MySQL: no duplicate open alert, audited changes, and
 *  an escalation that exactly one of several concurrent claimers wins. */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Repos } from "../context.js";
import type { AlertRow } from "../db/schema.js";
import { createTestCore, seedUser, type TestCore } from "../test/core.js";
import { MODES } from "../test/harness.js";

describe.each(MODES)("alerts repository (%s)", (mode) => {
  let t: TestCore;
  let repos: Repos;

  beforeAll(async () => {
    t = await createTestCore(mode);
    repos = t.core.repos;
  });
  afterAll(async () => {
    await t?.close();
  });

  const user = async (): Promise<string> => (await seedUser(t.core)).id;

  async function event(organiser: string): Promise<string> {
    const id = randomUUID();
    await repos.events.create({
      id,
      name: "e",
      description: "",
      starts_at: null,
      ends_at: null,
      invite_code: randomBytes(4).toString("hex").toUpperCase(),
      created_by: organiser,
      created_at: Date.now(),
    });
    return id;
  }

  const alert = (eventId: string, raisedBy: string, now = Date.now()): AlertRow => ({
    id: randomUUID(),
    event_id: eventId,
    channel_id: null,
    raised_by: raisedBy,
    state: "open",
    outcome: null,
    note: null,
    lat: null,
    lon: null,
    accuracy_m: null,
    location_at: null,
    claimed_by: null,
    claimed_at: null,
    closed_by: null,
    closed_at: null,
    escalations: 0,
    next_escalation_at: now - 1,
    created_at: now,
  });

  it("keeps one alert not closed per raiser and event, even under concurrent raises", async () => {
    const org = await user();
    const eventId = await event(org);
    const results = await Promise.all([1, 2, 3].map(() => repos.alerts.raise(alert(eventId, org))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.alert.id)).size).toBe(1);
    expect((await repos.alerts.trail(results[0]!.alert.id)).map((a) => a.action)).toEqual(["raised"]);
  });

  it("changes a locked row and audits it; refusals change nothing", async () => {
    const org = await user();
    const eventId = await event(org);
    const { alert: a } = await repos.alerts.raise(alert(eventId, org));
    const claimed = await repos.alerts.change(a.id, Date.now(), () => ({
      patch: { state: "claimed", claimed_by: org, claimed_at: 1 },
      audit: { actorId: org, action: "claimed" },
    }));
    expect(claimed.ok && claimed.alert.state).toBe("claimed");
    const refused = await repos.alerts.change(a.id, Date.now(), () => ({ refuse: "nope" as const }));
    expect(refused).toEqual({ ok: false, refusal: "nope" });
    expect(await repos.alerts.change(randomUUID(), Date.now(), () => ({ unchanged: true }))).toEqual({
      ok: false,
      refusal: "gone",
    });
    expect((await repos.alerts.trail(a.id)).map((t) => t.action)).toEqual(["raised", "claimed"]);
    expect((await repos.alerts.visibleOpen(org)).map((r) => r.id)).toContain(a.id);
  });

  it("lets exactly one concurrent claimer escalate a due alert", async () => {
    const org = await user();
    const eventId = await event(org);
    const { alert: a } = await repos.alerts.raise(alert(eventId, org));
    const now = Date.now();
    const due = (await repos.alerts.due(now)).find((d) => d.id === a.id)!;
    const won = await Promise.all([1, 2, 3, 4].map(() => repos.alerts.claimEscalation(due, now, 1_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const row = await repos.alerts.findById(a.id);
    expect(row?.escalations).toBe(1);
    expect(Number(row?.next_escalation_at)).toBeGreaterThan(now);
  });

  it("goes with its event", async () => {
    const org = await user();
    const eventId = await event(org);
    const { alert: a } = await repos.alerts.raise(alert(eventId, org));
    await repos.events.delete(eventId);
    expect(await repos.alerts.findById(a.id)).toBeUndefined();
  });
});
