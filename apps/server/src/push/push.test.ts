import * as jose from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Backing,
  createBacking,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
  waitFor,
} from "../test/harness.js";
import { PushService } from "../test/push-service.js";

/**
 * Web Push end to end on two instances over MariaDB and Redis, against a push service on
 * 127.0.0.1: what arrives is decrypted with the browser's keys and its VAPID signature checked.
 */
describe("Web Push for alerts (production, two instances)", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let service: PushService;
  let org: TestUser;
  let mod: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let eventId: string;
  let publicKey: string;
  const open: WsClient[] = [];
  const pushEnv = {
    PUSH_VAPID_PUBLIC_KEY: "",
    PUSH_VAPID_PRIVATE_KEY: "",
    PUSH_SUBJECT: "mailto:control@example.test",
    PUSH_ALLOW_LOOPBACK: "true",
    ALERT_ESCALATE_S: "2",
  };
  const settled = () => Promise.all([one.app.ctx.push.idle(), two.app.ctx.push.idle()]);

  beforeAll(async () => {
    const webpush = (await import("web-push")).default;
    const keys = webpush.generateVAPIDKeys();
    pushEnv.PUSH_VAPID_PUBLIC_KEY = keys.publicKey;
    pushEnv.PUSH_VAPID_PRIVATE_KEY = keys.privateKey;
    backing = await createBacking("production", pushEnv);
    [one, two, service] = await Promise.all([startApp(backing), startApp(backing), PushService.start()]);
    [org, mod, alice, bob] = await Promise.all([1, 2, 3, 4].map(() => one.api.user()));
    const ev = await one.api.post("/events", { name: "Festival" }, org.token);
    eventId = ev.body.id;
    for (const u of [mod, alice, bob]) await one.api.post("/join", { code: ev.body.inviteCode }, u.token);
    await one.api.patch(`/events/${eventId}/members/${mod.id}`, { role: "moderator" }, org.token);
    publicKey = (await two.api.get("/push/config")).body.publicKey;
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([one?.close(), two?.close(), service?.close()]);
  });

  it("serves the configured public key", () => {
    expect(publicKey).toBe(pushEnv.PUSH_VAPID_PUBLIC_KEY);
  });

  it("pushes a raised alert to staff with no socket, encrypted for their browser and signed", async () => {
    const orgPhone = service.subscription("org-phone");
    expect((await two.api.post("/me/push-subscriptions", orgPhone.toJSON(), org.token)).status).toBe(201);
    const raised = await one.api.post(
      `/events/${eventId}/alerts`,
      { note: "Crowd crush at gate 3" },
      alice.token,
    );
    expect(raised.status).toBe(201);
    const push = await waitFor("the push", () => service.to("org-phone")[0]);
    const payload = orgPhone.decrypt(push) as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: "alert.raised",
      alertId: raised.body.id,
      eventId,
      url: `/events/${eventId}`,
      tag: `alert-${raised.body.id}`,
    });
    expect(String(payload.body)).toContain("Crowd crush at gate 3");
    expect(push.headers["content-encoding"]).toBe("aes128gcm");
    expect(push.headers.urgency).toBe("high");
    expect(Number(push.headers.ttl)).toBeGreaterThan(0);
    // RFC 8292: `vapid t=<JWT signed with the server's key>, k=<that key>`, audience = the service.
    const m = /^vapid t=([^,]+), k=(.+)$/.exec(String(push.headers.authorization));
    expect(m?.[2]).toBe(publicKey);
    const raw = Buffer.from(publicKey, "base64url");
    const key = await jose.importJWK({
      alg: "ES256",
      kty: "EC",
      crv: "P-256",
      x: raw.subarray(1, 33).toString("base64url"),
      y: raw.subarray(33).toString("base64url"),
    });
    const { payload: claims } = await jose.jwtVerify(m![1]!, key, { audience: service.origin });
    expect(claims.sub).toBe("mailto:control@example.test");
    // The raiser is not pushed about their own alert; a moderator without a subscription is not either.
    await settled();
    expect(service.received.every((p) => p.name === "org-phone")).toBe(true);
    await one.api.post(`/alerts/${raised.body.id}/resolve`, { outcome: "false_alarm" }, alice.token);
  });

  it("does not push a user whose app is in view on another instance, and does once it is hidden", async () => {
    const orgTablet = service.subscription("org-tablet");
    await one.api.post("/me/push-subscriptions", orgTablet.toJSON(), org.token);
    const ws = await WsClient.connect(two.wsUrl, org.token);
    open.push(ws);
    const first = (await one.api.post(`/events/${eventId}/alerts`, {}, bob.token)).body;
    await ws.next("alert.raised", (m) => m.alert.id === first.id);
    await settled();
    expect(service.to("org-tablet")).toHaveLength(0);
    await one.api.post(`/alerts/${first.id}/resolve`, { outcome: "resolved" }, org.token);

    ws.send({ type: "client.state", visible: false });
    await waitFor(
      "the hidden state",
      async () => (await one.app.ctx.engines.attention.users(org.id)).length === 0,
    );
    const second = (await one.api.post(`/events/${eventId}/alerts`, {}, bob.token)).body;
    const push = await waitFor("the push", () => service.to("org-tablet")[0]);
    expect(orgTablet.decrypt(push)).toMatchObject({ type: "alert.raised", alertId: second.id });
    // Shown again: the escalation of the still-unclaimed alert goes to the socket only.
    ws.send({ type: "client.state", visible: true });
    await waitFor(
      "the shown state",
      async () => (await one.app.ctx.engines.attention.users(org.id)).length === 1,
    );
    await ws.next("alert.updated", (m) => m.alert.id === second.id && m.alert.escalations === 1, 6_000);
    await settled();
    expect(service.to("org-tablet")).toHaveLength(1);
    await one.api.post(`/alerts/${second.id}/resolve`, { outcome: "resolved" }, org.token);
    ws.close();
    await waitFor(
      "the closed socket",
      async () => (await one.app.ctx.engines.attention.users(org.id)).length === 0,
    );
  });

  it("pushes each escalation once across instances, and forgets a subscription its service says is gone", async () => {
    const modPhone = service.subscription("mod-phone");
    const modOld = service.subscription("mod-old");
    service.answers.set("mod-old", 410);
    await two.api.post("/me/push-subscriptions", modOld.toJSON(), mod.token);
    await two.api.post("/me/push-subscriptions", modPhone.toJSON(), mod.token);
    const alert = (await one.api.post(`/events/${eventId}/alerts`, {}, alice.token)).body;
    await waitFor("two escalations", () => service.to("mod-phone").length >= 3, { timeoutMs: 8_000 });
    await one.api.post(`/alerts/${alert.id}/claim`, {}, mod.token);
    await settled();
    const types = service.to("mod-phone").map((p) => (modPhone.decrypt(p) as { type: string }).type);
    const escalations = (await one.api.get(`/alerts/${alert.id}`, mod.token)).body.escalations;
    expect(types[0]).toBe("alert.raised");
    // One push per escalation, though both instances run the escalation job.
    expect(types.filter((t) => t === "alert.escalated")).toHaveLength(escalations);
    // The gone subscription got the first push, answered 410, and was never tried again.
    expect(service.to("mod-old")).toHaveLength(1);
    const rows = await one.app.ctx.repos.pushSubscriptions.ofUsers([mod.id]);
    expect(rows.map((r) => r.endpoint)).toEqual([modPhone.endpoint]);
    await one.api.post(`/alerts/${alert.id}/resolve`, { outcome: "resolved" }, mod.token);
  });

  it("pushes a direct call to a callee with no socket, and not to a caller whose app is in view", async () => {
    const bobPhone = service.subscription("bob-call");
    const orgDesk = service.subscription("org-call");
    await one.api.post("/me/push-subscriptions", bobPhone.toJSON(), bob.token);
    await one.api.post("/me/push-subscriptions", orgDesk.toJSON(), org.token);
    const direct = (await one.api.post("/direct", { userId: bob.id }, org.token)).body;
    const caller = await WsClient.connect(two.wsUrl, org.token);
    open.push(caller);
    await caller.subscribe(direct.id);
    caller.send({ type: "ptt.start", channelId: direct.id });
    await caller.next("ptt.granted");
    caller.send({ type: "ptt.stop", channelId: direct.id });
    await caller.next("ptt.stopped");
    const push = await waitFor("the call's push", () => service.to("bob-call")[0]);
    expect(bobPhone.decrypt(push)).toMatchObject({
      type: "direct.transmission",
      channelId: direct.id,
      url: `/channels/${direct.id}`,
      tag: `direct-${direct.id}`,
    });
    expect(String((bobPhone.decrypt(push) as { title: string }).title)).toMatch(/is calling$/);
    await settled();
    // The caller's own app is open: nothing for them.
    expect(service.to("org-call")).toHaveLength(0);
    caller.close();
    for (const [who, sub] of [
      [bob, bobPhone],
      [org, orgDesk],
    ] as const)
      await one.api.req("DELETE", "/me/push-subscriptions", {
        token: who.token,
        body: { endpoint: sub.endpoint },
      });
  });

  it("pushes a message that must be acknowledged to recipients out of view, not to the sender or those looking", async () => {
    const channel = (await one.api.post("/channels", { name: "Stage", eventId }, org.token)).body;
    const subs = {
      alice: service.subscription("alice-ack"),
      bob: service.subscription("bob-ack"),
      org: service.subscription("org-ack"),
    };
    await one.api.post("/me/push-subscriptions", subs.alice.toJSON(), alice.token);
    await two.api.post("/me/push-subscriptions", subs.bob.toJSON(), bob.token);
    await one.api.post("/me/push-subscriptions", subs.org.toJSON(), org.token);
    // Bob has the app in view on the other instance; Alice has no socket; the organiser sends.
    const bobWs = await WsClient.connect(two.wsUrl, bob.token);
    open.push(bobWs);
    await waitFor(
      "bob in view",
      async () => (await one.app.ctx.engines.attention.users(bob.id)).length === 1,
    );
    const posted = await one.api.post(
      `/channels/${channel.id}/messages`,
      { body: "All stewards to the stage", clientId: "ack-push", ackRequired: true },
      org.token,
    );
    expect(posted.status).toBe(201);
    const push = await waitFor("the push", () => service.to("alice-ack")[0]);
    expect(subs.alice.decrypt(push)).toMatchObject({
      type: "message.ack_required",
      channelId: channel.id,
      eventId,
      url: `/channels/${channel.id}`,
      tag: `ack-${posted.body.id}`,
      body: "All stewards to the stage",
    });
    await settled();
    expect(service.to("bob-ack")).toHaveLength(0);
    expect(service.to("org-ack")).toHaveLength(0);
    // A message that does not ask for acknowledgement wakes nobody.
    await one.api.post(
      `/channels/${channel.id}/messages`,
      { body: "fyi", clientId: "plain-push" },
      org.token,
    );
    await settled();
    expect(service.to("alice-ack")).toHaveLength(1);
    bobWs.close();
    for (const [who, sub] of [
      [alice, subs.alice],
      [bob, subs.bob],
      [org, subs.org],
    ] as const)
      await one.api.req("DELETE", "/me/push-subscriptions", {
        token: who.token,
        body: { endpoint: sub.endpoint },
      });
  });

  it("refuses endpoints inside the server's network and bad keys, and stores nothing", async () => {
    const good = service.subscription("x").toJSON();
    for (const endpoint of [
      "https://127.0.0.1/push",
      "https://10.0.0.8/push",
      "https://169.254.169.254/latest",
      "https://[::1]/push",
      "http://push.example.net/x",
    ]) {
      const res = await one.api.post("/me/push-subscriptions", { ...good, endpoint }, bob.token);
      expect(res.status, endpoint).toBe(400);
      expect(res.body.code).toBe("invalid_body");
    }
    const badKey = await one.api.post(
      "/me/push-subscriptions",
      { ...good, keys: { ...good.keys, auth: "!" } },
      bob.token,
    );
    expect(badKey.status).toBe(400);
    expect(await one.app.ctx.repos.pushSubscriptions.ofUsers([bob.id])).toEqual([]);
    expect((await one.api.post("/me/push-subscriptions", good)).status).toBe(401);
  });

  it("drops a session's subscriptions when it signs out, and lets a user forget one", async () => {
    const sub = service.subscription("bob-laptop");
    await one.api.post("/me/push-subscriptions", sub.toJSON(), bob.token);
    // Another user's DELETE of the same endpoint changes nothing.
    expect(
      (
        await one.api.req("DELETE", "/me/push-subscriptions", {
          token: alice.token,
          body: { endpoint: sub.endpoint },
        })
      ).status,
    ).toBe(204);
    expect(await one.app.ctx.repos.pushSubscriptions.ofUsers([bob.id])).toHaveLength(1);
    expect((await one.api.post("/auth/logout", {}, bob.token)).status).toBe(204);
    expect(await one.app.ctx.repos.pushSubscriptions.ofUsers([bob.id])).toEqual([]);
    const again = service.subscription("alice-laptop");
    await one.api.post("/me/push-subscriptions", again.toJSON(), alice.token);
    expect(
      (
        await one.api.req("DELETE", "/me/push-subscriptions", {
          token: alice.token,
          body: { endpoint: again.endpoint },
        })
      ).status,
    ).toBe(204);
    expect(await one.app.ctx.repos.pushSubscriptions.ofUsers([alice.id])).toEqual([]);
  });
});

describe("push configuration", () => {
  it("is off (404) in production without VAPID keys, and generated once in embedded mode", async () => {
    const prod = await startApp(await createBacking("production"));
    try {
      const res = await prod.api.get("/push/config");
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
    } finally {
      await prod.close();
    }
    const embedded = await createBacking("embedded");
    const first = await startApp(embedded);
    const key = (await first.api.get("/push/config")).body.publicKey;
    await first.close();
    const second = await startApp(embedded);
    try {
      expect(key).toMatch(/^[A-Za-z0-9_-]{87}$/);
      expect((await second.api.get("/push/config")).body.publicKey).toBe(key);
    } finally {
      await second.close();
    }
  });
});
