import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Backing,
  createBacking,
  sleep,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";

/**
 * Escalation with two instances running the job over one MariaDB: every period, exactly one of
 * them re-announces an unclaimed alert, and claiming it stops the re-announcements.
 */
describe("alert escalation (production, two instances)", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let org: TestUser;
  let alice: TestUser;
  let eventId: string;
  const open: WsClient[] = [];

  beforeAll(async () => {
    backing = await createBacking("production", { ALERT_ESCALATE_S: "1" });
    [one, two] = await Promise.all([startApp(backing), startApp(backing)]);
    [org, alice] = await Promise.all([one.api.user(), one.api.user()]);
    const ev = await one.api.post("/events", { name: "E" }, org.token);
    eventId = ev.body.id;
    await one.api.post("/join", { code: ev.body.inviteCode }, alice.token);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([one?.close(), two?.close()]);
  });

  it("fires exactly once per period until the alert is claimed", async () => {
    const staff = await WsClient.connect(one.wsUrl, org.token);
    const raiser = await WsClient.connect(two.wsUrl, alice.token);
    open.push(staff, raiser);
    const alert = (await one.api.post(`/events/${eventId}/alerts`, {}, alice.token)).body;
    const t0 = Date.now();
    await staff.next("alert.updated", (m) => m.alert.escalations === 3, 6_000);
    const elapsed = Date.now() - t0;
    // Three periods of 1 s, on a 1 s tick: between 3 and about 4.x seconds.
    expect(elapsed).toBeGreaterThan(2_500);
    const counts = () =>
      staff
        .of("alert.updated")
        .filter((m) => m.alert.id === alert.id)
        .map((m) => m.alert.escalations);
    expect(counts()).toEqual([1, 2, 3]);
    await raiser.next("alert.updated", (m) => m.alert.escalations === 3);

    await one.api.post(`/alerts/${alert.id}/claim`, {}, org.token);
    await staff.next("alert.updated", (m) => m.alert.state === "claimed");
    await sleep(2_200);
    const after = staff.of("alert.updated").filter((m) => m.alert.id === alert.id);
    expect(after.map((m) => m.alert.escalations)).toEqual([1, 2, 3, 3]);
    const trail = await one.app.ctx.repos.alerts.trail(alert.id);
    expect(trail.filter((t) => t.action === "escalated")).toHaveLength(3);
  });
});
