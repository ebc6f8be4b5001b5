/**
 * Messages that must be acknowledged, over REST and the socket, on SQLite (one instance) and on
 * MariaDB with Redis (two instances): who may require acknowledgement, totals, idempotent
 * acknowledgements, who may read the list, and `message.acked` reaching the other instance.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacking, MODES, startApp, type TestApp, type TestUser, WsClient } from "../test/harness.js";

describe.each(MODES)("messages that must be acknowledged (%s)", (mode) => {
  let one: TestApp;
  let two: TestApp;
  let org: TestUser;
  let mod: TestUser;
  let s1: TestUser;
  let s2: TestUser;
  let outsider: TestUser;
  let inviteCode: string;
  let channelId: string;
  const open: WsClient[] = [];
  let n = 0;
  const post = (who: TestUser, body: Record<string, unknown>) =>
    one.api.post(`/channels/${channelId}/messages`, { clientId: `c${++n}`, ...body }, who.token);
  const history = async (who: TestUser) =>
    (await two.api.get(`/channels/${channelId}/messages`, who.token)).body.messages as any[];

  beforeAll(async () => {
    const backing = await createBacking(mode);
    one = await startApp(backing);
    // Production runs a second instance on the same database and Redis; embedded serves one node.
    two = mode === "production" ? await startApp(backing) : one;
    [org, mod, s1, s2, outsider] = await Promise.all([1, 2, 3, 4, 5].map(() => one.api.user()));
    const ev = (await one.api.post("/events", { name: "Festival" }, org.token)).body;
    inviteCode = ev.inviteCode;
    for (const u of [mod, s1, s2]) await one.api.post("/join", { code: inviteCode }, u.token);
    await one.api.patch(`/events/${ev.id}/members/${mod.id}`, { role: "moderator" }, org.token);
    channelId = (await one.api.post("/channels", { name: "Gate", eventId: ev.id }, org.token)).body.id;
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await one?.close();
    if (two !== one) await two?.close();
  });

  it("lets channel staff require acknowledgement and refuses members, storing nothing", async () => {
    const before = (await history(org)).length;
    const refused = await post(s1, { body: "Everyone to gate 3", ackRequired: true });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("forbidden");
    const bad = await post(mod, { body: "x", ackRequired: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.headers["content-type"]).toContain("application/problem+json");
    expect(await history(org)).toHaveLength(before);

    // Recipients: the channel's members but the sender (org, s1, s2 for the moderator's post).
    const byMod = await post(mod, { body: "Gates open in 5", ackRequired: true });
    expect(byMod.status).toBe(201);
    expect(byMod.body.ack).toEqual({ required: true, count: 0, total: 3 });
    const byOrg = await post(org, { body: "Radio check", ackRequired: true });
    expect(byOrg.body.ack).toEqual({ required: true, count: 0, total: 3 });
    const plain = await post(s1, { body: "hello", ackRequired: false });
    expect(plain.status).toBe(201);
    expect(plain.body.ack).toBeUndefined();
  });

  it("records an acknowledgement once and tells subscribers on the other instance", async () => {
    const watcher = await WsClient.connect(two.wsUrl, org.token);
    open.push(watcher);
    await watcher.subscribe(channelId);
    const msg = (await post(org, { body: "Close the north gate", ackRequired: true })).body;
    const created = await watcher.next("message.created", (m) => m.message.id === msg.id);
    expect(created.message.ack).toEqual({ required: true, count: 0, total: 3 });

    const first = await one.api.post(`/messages/${msg.id}/ack`, undefined, s1.token);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ messageId: msg.id, userId: s1.id, at: expect.any(String) });
    const acked = await watcher.next("message.acked", (m) => m.messageId === msg.id);
    expect(acked).toEqual({ type: "message.acked", channelId, messageId: msg.id, userId: s1.id, count: 1 });

    // Twice is not an error: the first acknowledgement, and nothing published again.
    const again = await two.api.post(`/messages/${msg.id}/ack`, undefined, s1.token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    await two.api.post(`/messages/${msg.id}/ack`, undefined, s2.token);
    const next = await watcher.next("message.acked", (m) => m.messageId === msg.id);
    expect(next).toMatchObject({ userId: s2.id, count: 2 });

    const seen = async (who: TestUser) => (await history(who)).find((m) => m.id === msg.id).ack;
    expect(await seen(s1)).toEqual({ required: true, count: 2, total: 3, byMe: true });
    expect(await seen(mod)).toEqual({ required: true, count: 2, total: 3, byMe: false });
  });

  it("shows who acknowledged and who is pending to the sender and staff only", async () => {
    const msg = (await post(mod, { body: "Shift change at 18:00", ackRequired: true })).body;
    await one.api.post(`/messages/${msg.id}/ack`, undefined, s2.token);
    for (const reader of [mod, org]) {
      const list = await two.api.get(`/messages/${msg.id}/acks`, reader.token);
      expect(list.status).toBe(200);
      expect(list.body.acked.map((a: any) => a.user.id)).toEqual([s2.id]);
      expect(list.body.acked[0].at).toEqual(expect.any(String));
      expect(list.body.pending.map((u: any) => u.id).sort()).toEqual([org.id, s1.id].sort());
    }
    const member = await two.api.get(`/messages/${msg.id}/acks`, s1.token);
    expect(member.status).toBe(403);
    expect(member.body.code).toBe("forbidden");
    const stranger = await two.api.get(`/messages/${msg.id}/acks`, outsider.token);
    expect(stranger.status).toBe(403);
    expect(stranger.body.code).toBe("not_a_member");
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await two.api.get(`/messages/${missing}/acks`, org.token)).status).toBe(404);
  });

  it("refuses acknowledgements that make no sense and changes nothing", async () => {
    const msg = (await post(mod, { body: "Lights down", ackRequired: true })).body;
    const plain = (await post(mod, { body: "just chatting" })).body;
    const own = await one.api.post(`/messages/${msg.id}/ack`, undefined, mod.token);
    expect(own.status).toBe(409);
    expect(own.body.code).toBe("conflict");
    expect((await one.api.post(`/messages/${plain.id}/ack`, undefined, s1.token)).body.code).toBe("conflict");
    expect((await one.api.get(`/messages/${plain.id}/acks`, org.token)).status).toBe(409);
    const stranger = await one.api.post(`/messages/${msg.id}/ack`, undefined, outsider.token);
    expect(stranger.status).toBe(403);
    expect(stranger.body.code).toBe("not_a_member");
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await one.api.post(`/messages/${missing}/ack`, undefined, s1.token)).status).toBe(404);
    expect((await one.api.post(`/messages/not-an-id/ack`, undefined, s1.token)).status).toBe(400);
    const list = (await one.api.get(`/messages/${msg.id}/acks`, mod.token)).body;
    expect(list.acked).toEqual([]);
    expect(list.pending).toHaveLength(3);
  });

  it("counts a member who joined later once they acknowledge", async () => {
    const msg = (await post(org, { body: "Briefing at the stage", ackRequired: true })).body;
    const late = await one.api.user();
    await one.api.post("/join", { code: inviteCode }, late.token);
    expect((await one.api.post(`/messages/${msg.id}/ack`, undefined, late.token)).status).toBe(200);
    const ack = (await history(org)).find((m) => m.id === msg.id).ack;
    expect(ack).toEqual({ required: true, count: 1, total: 4, byMe: false });
  });
});
