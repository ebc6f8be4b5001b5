import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Backing,
  createBacking,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";

/**
 * Emergency alerts end to end on two instances over MariaDB and Redis: raising, per-user
 * delivery to staff subscribed to nothing, claiming and taking over, location, resolving,
 * visibility, and `ready.openAlerts` on reconnect.
 */
describe("emergency alerts across instances (production)", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let org: TestUser;
  let mod1: TestUser;
  let mod2: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let outsider: TestUser;
  let eventId: string;
  let channelId: string;
  const open: WsClient[] = [];
  const connect = async (app: TestApp, u: TestUser) => {
    const c = await WsClient.connect(app.wsUrl, u.token);
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    backing = await createBacking("production");
    [one, two] = await Promise.all([startApp(backing), startApp(backing)]);
    const api = one.api;
    [org, mod1, mod2, alice, bob, outsider] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => api.user()));
    const ev = await api.post("/events", { name: "Festival" }, org.token);
    eventId = ev.body.id;
    for (const u of [mod1, mod2, alice, bob])
      expect((await api.post("/join", { code: ev.body.inviteCode }, u.token)).status).toBe(200);
    for (const m of [mod1, mod2])
      expect(
        (await api.patch(`/events/${eventId}/members/${m.id}`, { role: "moderator" }, org.token)).status,
      ).toBe(200);
    channelId = (await api.post("/channels", { name: "Gate", eventId }, org.token)).body.id;
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([one?.close(), two?.close()]);
  });

  it("delivers a raised alert to staff on another instance, and runs claim, location and resolve", async () => {
    const orgOnTwo = await connect(two, org);
    const mod1OnTwo = await connect(two, mod1);
    const bobOnOne = await connect(one, bob);
    const location = { lat: 52.37, lon: 4.89, accuracyM: 12 };

    const t0 = Date.now();
    const raised = await one.api.post(
      `/events/${eventId}/alerts`,
      { channelId, note: "help", location },
      alice.token,
    );
    expect(raised.status).toBe(201);
    const alert = raised.body;
    expect(alert).toMatchObject({
      eventId,
      channelId,
      state: "open",
      outcome: null,
      note: "help",
      raisedBy: { id: alice.id },
      location: { ...location, at: expect.any(String) },
      claimedBy: null,
      escalations: 0,
      recordings: [],
    });
    const got = await orgOnTwo.next("alert.raised", (m) => m.alert.id === alert.id, 1_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(got.alert).toEqual(alert);
    await mod1OnTwo.next("alert.raised", (m) => m.alert.id === alert.id, 1_000);

    // Raising again returns the same alert.
    const again = await two.api.post(`/events/${eventId}/alerts`, {}, alice.token);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(alert.id);

    const claimed = await two.api.post(`/alerts/${alert.id}/claim`, {}, mod1.token);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ state: "claimed", claimedBy: { id: mod1.id } });
    await orgOnTwo.next("alert.updated", (m) => m.alert.claimedBy?.id === mod1.id);

    const refused = await one.api.post(`/alerts/${alert.id}/claim`, {}, mod2.token);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("already_claimed");
    const taken = await one.api.post(`/alerts/${alert.id}/claim`, { takeOver: true }, mod2.token);
    expect(taken.status).toBe(200);
    expect(taken.body.claimedBy.id).toBe(mod2.id);

    const moved = { lat: 52.38, lon: 4.9, accuracyM: 5 };
    expect((await one.api.post(`/alerts/${alert.id}/location`, moved, alice.token)).status).toBe(204);
    const located = await orgOnTwo.next("alert.updated", (m) => m.alert.location?.lat === moved.lat);
    expect(located.alert.location).toMatchObject(moved);
    // Bounded: a second report within 2 s is refused.
    const tooSoon = await one.api.post(`/alerts/${alert.id}/location`, moved, alice.token);
    expect(tooSoon.status).toBe(429);

    // A participant may not resolve, only cancel their own as a false alarm.
    const byRaiser = await one.api.post(`/alerts/${alert.id}/resolve`, { outcome: "resolved" }, alice.token);
    expect(byRaiser.status).toBe(403);
    const resolved = await two.api.post(`/alerts/${alert.id}/resolve`, { outcome: "resolved" }, mod2.token);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ state: "closed", outcome: "resolved", closedBy: { id: mod2.id } });
    await orgOnTwo.next("alert.updated", (m) => m.alert.state === "closed");
    const twice = await two.api.post(`/alerts/${alert.id}/resolve`, { outcome: "resolved" }, org.token);
    expect(twice.body.code).toBe("already_closed");
    expect((await one.api.post(`/alerts/${alert.id}/location`, moved, alice.token)).body.code).toBe(
      "already_closed",
    );

    // Bob (a participant) heard nothing of Alice's alert.
    expect(bobOnOne.of("alert.raised")).toHaveLength(0);
    expect(bobOnOne.of("alert.updated")).toHaveLength(0);

    const trail = await one.app.ctx.repos.alerts.trail(alert.id);
    expect(trail.map((t) => t.action)).toEqual([
      "raised",
      "delivered",
      "claimed",
      "taken_over",
      "location",
      "resolved",
    ]);
  });

  it("shows participants only their own alerts, and outsiders nothing", async () => {
    const mine = (await one.api.post(`/events/${eventId}/alerts`, {}, bob.token)).body;
    const listBob = await one.api.get(`/events/${eventId}/alerts?state=all`, bob.token);
    expect(listBob.body.alerts.map((a: { raisedBy: { id: string } }) => a.raisedBy.id)).toEqual([bob.id]);
    const listOrg = await one.api.get(`/events/${eventId}/alerts?state=all&limit=1`, org.token);
    expect(listOrg.body).toMatchObject({ hasMore: true, alerts: [{ id: mine.id }] });
    const openOnly = await one.api.get(`/events/${eventId}/alerts?state=open`, org.token);
    expect(openOnly.body.alerts.map((a: { id: string }) => a.id)).toEqual([mine.id]);
    expect((await one.api.get(`/alerts/${mine.id}`, alice.token)).status).toBe(404);
    expect((await one.api.get(`/alerts/${mine.id}`, bob.token)).status).toBe(200);

    const base = `/alerts/${mine.id}`;
    const outsiderCalls = [
      one.api.post(`/events/${eventId}/alerts`, {}, outsider.token),
      one.api.get(`/events/${eventId}/alerts`, outsider.token),
      one.api.get(base, outsider.token),
      one.api.post(`${base}/claim`, {}, outsider.token),
      one.api.post(`${base}/resolve`, { outcome: "false_alarm" }, outsider.token),
      one.api.post(`${base}/location`, { lat: 1, lon: 1, accuracyM: 1 }, outsider.token),
    ];
    for (const r of await Promise.all(outsiderCalls)) expect([403, 404]).toContain(r.status);
    expect((await one.api.post(`${base}/claim`, {}, alice.token)).status).toBe(404);
    expect((await one.api.post(`${base}/claim`, {}, bob.token)).status).toBe(403);
    const cancelled = await one.api.post(`${base}/resolve`, { outcome: "false_alarm" }, bob.token);
    expect(cancelled.body).toMatchObject({ state: "closed", outcome: "false_alarm" });
  });

  it("keeps an audit trail staff can read: raised, delivered, received per device, claimed, resolved", async () => {
    const alert = (await one.api.post(`/events/${eventId}/alerts`, { note: "Fall" }, alice.token)).body;
    const base = `/alerts/${alert.id}`;
    // The organiser's phone and laptop show it; the phone reports twice (a reload).
    for (const device of ["Android · Chrome", "Linux · Firefox", "Android · Chrome"])
      expect((await two.api.post(`${base}/received`, { device }, org.token)).status).toBe(204);
    expect((await one.api.post(`${base}/received`, {}, alice.token)).status).toBe(403);
    // One person had it on screen (on two devices); the raiser sees that.
    expect((await one.api.get(base, alice.token)).body.receivedBy).toBe(1);
    await one.api.post(`${base}/received`, { device: "iOS phone · Safari" }, mod2.token);
    expect((await one.api.get(base, alice.token)).body.receivedBy).toBe(2);
    expect((await one.api.post(`${base}/received`, { device: "x".repeat(81) }, org.token)).status).toBe(400);
    await one.api.post(`${base}/claim`, {}, mod1.token);
    await one.api.post(`${base}/resolve`, { outcome: "resolved", note: "Treated on site" }, mod1.token);

    const trail = await two.api.get(`${base}/audit`, mod2.token);
    expect(trail.status).toBe(200);
    const steps = trail.body.entries.map(
      (e: { action: string; actor: { id: string } | null; detail: unknown }) => [
        e.action,
        e.actor?.id ?? null,
        e.detail,
      ],
    );
    expect(steps).toEqual([
      ["raised", alice.id, null],
      ["delivered", null, { recipients: 4 }],
      ["received", org.id, { device: "Android · Chrome" }],
      ["received", org.id, { device: "Linux · Firefox" }],
      ["received", mod2.id, { device: "iOS phone · Safari" }],
      ["claimed", mod1.id, null],
      ["resolved", mod1.id, expect.objectContaining({ note: "Treated on site" })],
    ]);
    // The raiser reads the alert but not the trail; others do not learn it exists.
    expect((await one.api.get(`${base}/audit`, alice.token)).status).toBe(403);
    expect((await one.api.get(`${base}/audit`, bob.token)).status).toBe(404);
    expect((await one.api.get(`${base}/audit`, outsider.token)).status).toBe(404);
  });

  it("gives a reconnecting staff socket the open alert in ready.openAlerts", async () => {
    const raised = (await two.api.post(`/events/${eventId}/alerts`, {}, alice.token)).body;
    const c = await WsClient.open(one.wsUrl);
    open.push(c);
    c.send({ type: "auth", token: mod2.token });
    const ready = await c.next("ready");
    expect(ready.openAlerts.map((a: { id: string }) => a.id)).toEqual([raised.id]);
    const c2 = await WsClient.open(two.wsUrl);
    open.push(c2);
    c2.send({ type: "auth", token: bob.token });
    expect((await c2.next("ready")).openAlerts).toEqual([]);
    await one.api.post(`/alerts/${raised.id}/resolve`, { outcome: "false_alarm" }, alice.token);
  });
});
