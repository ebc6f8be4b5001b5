/**
 * Every channel route of the wire contract with the roles allowed AND denied (anonymous, non-member,
 * member, moderator, admin), standalone and event channels, joining by channel code, invite
 * codes, member management, messages with clientId idempotency and history paging, in both
 * modes. Denied requests are checked to have changed nothing.
 */
import { INVITE_CODE_ALPHABET } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacking, MODES, type Res, startApp, type TestApp, type TestUser } from "../test/harness.js";

function expectProblem(res: Res, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
}

const CODE = new RegExp(`^[${INVITE_CODE_ALPHABET}]{8}$`);
const MISSING = "00000000-0000-4000-8000-000000000000";
const pub = ({ user: { id, username, displayName, createdAt } }: TestUser) => ({
  id,
  username,
  displayName,
  createdAt,
});

describe.each(MODES)("channels (%s)", (mode) => {
  let t: TestApp;
  /** Standalone channels: admin (creator), moderator, member, outsider. */
  let A: TestUser;
  let Mo: TestUser;
  let Me: TestUser;
  let X: TestUser;

  beforeAll(async () => {
    t = await startApp(await createBacking(mode));
    [A, Mo, Me, X] = await Promise.all([t.api.user(), t.api.user(), t.api.user(), t.api.user()]);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh standalone channel of A with Mo as moderator and Me as member. */
  async function freshChannel(name = "Ops") {
    const created = await t.api.post("/channels", { name, description: "d" }, A.token);
    expect(created.status).toBe(201);
    const ch = created.body;
    for (const u of [Mo, Me])
      expect((await t.api.post("/join", { code: ch.inviteCode }, u.token)).status).toBe(200);
    expect(
      (await t.api.patch(`/channels/${ch.id}/members/${Mo.id}`, { role: "moderator" }, A.token)).status,
    ).toBe(200);
    return { id: ch.id as string, code: ch.inviteCode as string };
  }

  const roles = async (channelId: string, token = A.token) =>
    Object.fromEntries(
      (
        (await t.api.get(`/channels/${channelId}/members`, token)).body as {
          user: { id: string };
          role: string;
          canSpeak: boolean;
        }[]
      ).map((m) => [m.user.id, `${m.role}${m.canSpeak ? "" : " (muted)"}`]),
    );

  it("POST /channels standalone: anyone creates one and is its admin; anonymous 401", async () => {
    expectProblem(await t.api.post("/channels", { name: "x" }), 401, "unauthenticated");
    const res = await t.api.post("/channels", { name: " Radio ", description: "ops" }, X.token);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: "Radio",
      description: "ops",
      eventId: null,
      kind: "group",
      myRole: "admin",
      canSpeak: true,
      lastSeq: 0,
      inviteCode: expect.stringMatching(CODE),
      inviteUrl: expect.stringMatching(/^http:\/\/[^/]+\/join\/[0-9A-Z]{8}$/),
      abilities: {
        talk: true,
        interrupt: true,
        moderate: true,
        edit: true,
        delete: true,
        invite: true,
        rotateInvite: true,
        manageMembers: true,
        leave: true,
        requireAck: true,
      },
      createdAt: expect.any(String),
    });
    expect((await t.api.get(`/channels/${res.body.id}`, X.token)).body).toEqual(res.body);
    expect(await roles(res.body.id, X.token)).toEqual({ [X.id]: "admin" });
    expectProblem(await t.api.post("/channels", { name: "x", eventId: MISSING }, X.token), 404, "not_found");
  });

  it("POST /channels in an event: organiser and moderator yes; participant and non-member no", async () => {
    const ev = (await t.api.post("/events", { name: "E" }, A.token)).body;
    for (const u of [Mo, Me]) await t.api.post("/join", { code: ev.inviteCode }, u.token);
    await t.api.patch(`/events/${ev.id}/members/${Mo.id}`, { role: "moderator" }, A.token);

    expectProblem(await t.api.post("/channels", { name: "c", eventId: ev.id }, X.token), 403, "not_a_member");
    expectProblem(await t.api.post("/channels", { name: "c", eventId: ev.id }, Me.token), 403, "forbidden");
    expect((await t.api.get(`/events/${ev.id}`, A.token)).body.channels).toEqual([]);

    const byOrg = await t.api.post("/channels", { name: "Main", eventId: ev.id }, A.token);
    expect(byOrg.status).toBe(201);
    expect(byOrg.body).toMatchObject({
      eventId: ev.id,
      myRole: "admin",
      inviteCode: expect.stringMatching(CODE),
    });
    const byMod = await t.api.post("/channels", { name: "Side", eventId: ev.id }, Mo.token);
    expect(byMod.status).toBe(201);
    expect(byMod.body).toMatchObject({ eventId: ev.id, myRole: "moderator", inviteCode: expect.any(String) });

    // Event members are members of its channels, with derived roles.
    const asMe = await t.api.get(`/channels/${byOrg.body.id}`, Me.token);
    expect(asMe.body).toMatchObject({ myRole: "member", canSpeak: true });
    expect(asMe.body).not.toHaveProperty("inviteCode");
    expect((await t.api.get(`/channels/${byMod.body.id}`, A.token)).body.myRole).toBe("admin");
    expect(await roles(byOrg.body.id)).toEqual({ [A.id]: "admin", [Mo.id]: "moderator", [Me.id]: "member" });
    expectProblem(await t.api.get(`/channels/${byOrg.body.id}`, X.token), 403, "not_a_member");
  });

  it("GET /channels lists standalone channels I joined and my events' channels", async () => {
    const ch = await freshChannel();
    const ev = (await t.api.post("/events", { name: "E" }, Mo.token)).body;
    const evCh = (await t.api.post("/channels", { name: "EC", eventId: ev.id }, Mo.token)).body;
    expectProblem(await t.api.get("/channels"), 401, "unauthenticated");
    const ids = async (u: TestUser) =>
      ((await t.api.get("/channels", u.token)).body as { id: string }[]).map((c) => c.id);
    expect(await ids(Mo)).toEqual(expect.arrayContaining([ch.id, evCh.id]));
    expect(await ids(Me)).toContain(ch.id);
    expect(await ids(Me)).not.toContain(evCh.id);
    expect(await ids(X)).not.toContain(ch.id);
    const listed = ((await t.api.get("/channels", Me.token)).body as { id: string }[]).find(
      (c) => c.id === ch.id,
    );
    expect(listed).toMatchObject({ myRole: "member", eventId: null });
    expect(listed).not.toHaveProperty("inviteCode");
    const asMo = ((await t.api.get("/channels", Mo.token)).body as { id: string }[]).find(
      (c) => c.id === ch.id,
    );
    expect(asMo).toMatchObject({ myRole: "moderator", inviteCode: ch.code });
  });

  it("GET /channels/:id: members only; inviteCode only for admin and moderator; unknown 404", async () => {
    const ch = await freshChannel();
    expectProblem(await t.api.get(`/channels/${ch.id}`), 401, "unauthenticated");
    expectProblem(await t.api.get(`/channels/${ch.id}`, X.token), 403, "not_a_member");
    expectProblem(await t.api.get(`/channels/${MISSING}`, A.token), 404, "not_found");
    expect((await t.api.get(`/channels/${ch.id}`, A.token)).body).toMatchObject({
      myRole: "admin",
      inviteCode: ch.code,
    });
    expect((await t.api.get(`/channels/${ch.id}`, Mo.token)).body).toMatchObject({
      myRole: "moderator",
      inviteCode: ch.code,
    });
    const asMe = await t.api.get(`/channels/${ch.id}`, Me.token);
    expect(asMe.status).toBe(200);
    expect(asMe.body.myRole).toBe("member");
    expect(asMe.body).not.toHaveProperty("inviteCode");
  });

  it("PATCH /channels/:id: admin and moderator; member and non-member denied, nothing changes", async () => {
    const ch = await freshChannel("Before");
    expectProblem(await t.api.patch(`/channels/${ch.id}`, { name: "After" }), 401, "unauthenticated");
    expectProblem(await t.api.patch(`/channels/${ch.id}`, { name: "After" }, X.token), 403, "not_a_member");
    expectProblem(await t.api.patch(`/channels/${ch.id}`, { name: "After" }, Me.token), 403, "forbidden");
    expectProblem(await t.api.patch(`/channels/${MISSING}`, { name: "After" }, A.token), 404, "not_found");
    expect((await t.api.get(`/channels/${ch.id}`, Me.token)).body.name).toBe("Before");

    const byMod = await t.api.patch(`/channels/${ch.id}`, { name: "After" }, Mo.token);
    expect(byMod.status).toBe(200);
    expect(byMod.body).toMatchObject({ name: "After", description: "d", myRole: "moderator" });
    const byAdmin = await t.api.patch(`/channels/${ch.id}`, { description: "new" }, A.token);
    expect(byAdmin.body).toMatchObject({ name: "After", description: "new", myRole: "admin" });
    expect((await t.api.get(`/channels/${ch.id}`, Me.token)).body).toMatchObject({
      name: "After",
      description: "new",
    });
  });

  it("DELETE /channels/:id: admin only; members, messages and the code go with it", async () => {
    const ch = await freshChannel();
    expect(
      (await t.api.post(`/channels/${ch.id}/messages`, { body: "hi", clientId: "1" }, Me.token)).status,
    ).toBe(201);
    expectProblem(await t.api.del(`/channels/${ch.id}`), 401, "unauthenticated");
    expectProblem(await t.api.del(`/channels/${ch.id}`, X.token), 403, "not_a_member");
    expectProblem(await t.api.del(`/channels/${ch.id}`, Me.token), 403, "forbidden");
    expectProblem(await t.api.del(`/channels/${ch.id}`, Mo.token), 403, "forbidden");
    expect((await t.api.get(`/channels/${ch.id}/messages`, Me.token)).body.messages).toHaveLength(1);

    const res = await t.api.del(`/channels/${ch.id}`, A.token);
    expect(res.status).toBe(204);
    for (const u of [A, Mo, Me]) {
      expectProblem(await t.api.get(`/channels/${ch.id}`, u.token), 404, "not_found");
      expectProblem(await t.api.get(`/channels/${ch.id}/messages`, u.token), 404, "not_found");
      expect(
        ((await t.api.get("/channels", u.token)).body as { id: string }[]).some((c) => c.id === ch.id),
      ).toBe(false);
    }
    expectProblem(await t.api.post("/join", { code: ch.code }, X.token), 404, "invalid_code");
    expectProblem(await t.api.del(`/channels/${ch.id}`, A.token), 404, "not_found");
  });

  it("POST /channels/:id/invite-code: admin and moderator; the old code stops working", async () => {
    const ch = await freshChannel();
    expectProblem(await t.api.post(`/channels/${ch.id}/invite-code`), 401, "unauthenticated");
    expectProblem(
      await t.api.post(`/channels/${ch.id}/invite-code`, undefined, X.token),
      403,
      "not_a_member",
    );
    expectProblem(await t.api.post(`/channels/${ch.id}/invite-code`, undefined, Me.token), 403, "forbidden");
    expect((await t.api.get(`/channels/${ch.id}`, A.token)).body.inviteCode).toBe(ch.code);

    const byMod = await t.api.post(`/channels/${ch.id}/invite-code`, undefined, Mo.token);
    expect(byMod.status).toBe(200);
    expect(byMod.body).toMatchObject({
      id: ch.id,
      myRole: "moderator",
      inviteCode: expect.stringMatching(CODE),
    });
    expect(byMod.body.inviteCode).not.toBe(ch.code);
    const byAdmin = await t.api.post(`/channels/${ch.id}/invite-code`, undefined, A.token);
    expect(byAdmin.body.inviteCode).not.toBe(byMod.body.inviteCode);
    expect((await t.api.get(`/channels/${ch.id}`, Mo.token)).body.inviteCode).toBe(byAdmin.body.inviteCode);

    for (const old of [ch.code, byMod.body.inviteCode])
      expectProblem(await t.api.post("/join", { code: old }, X.token), 404, "invalid_code");
    expectProblem(await t.api.get(`/channels/${ch.id}`, X.token), 403, "not_a_member");
    const joined = await t.api.post("/join", { code: byAdmin.body.inviteCode }, X.token);
    expect(joined.body).toMatchObject({ kind: "channel", channel: { id: ch.id, myRole: "member" } });
  });

  it("POST /join with a channel code: member; twice is the same 200 body and one membership", async () => {
    const ch = await freshChannel();
    const first = await t.api.post("/join", { code: ch.code }, X.token);
    expect(first.status).toBe(200);
    expect(first.body.kind).toBe("channel");
    expect(first.body.event).toBeUndefined();
    expect(first.body.channel).toMatchObject({ id: ch.id, myRole: "member", canSpeak: true, eventId: null });
    expect(first.body.channel).not.toHaveProperty("inviteCode");
    const second = await t.api.post("/join", { code: ch.code.toLowerCase() }, X.token);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const members = (await t.api.get(`/channels/${ch.id}/members`, A.token)).body as {
      user: { id: string };
    }[];
    expect(members.filter((m) => m.user.id === X.id)).toHaveLength(1);
    expect(members).toHaveLength(4);
    // The admin and the moderator joining by code keep their roles.
    expect((await t.api.post("/join", { code: ch.code }, A.token)).body.channel).toMatchObject({
      myRole: "admin",
      inviteCode: ch.code,
    });
    expect((await t.api.post("/join", { code: ch.code }, Mo.token)).body.channel.myRole).toBe("moderator");
  });

  it("a channel code of an event channel admits to that channel only, not the event", async () => {
    const ev = (await t.api.post("/events", { name: "E" }, A.token)).body;
    const ec = (await t.api.post("/channels", { name: "Press", eventId: ev.id }, A.token)).body;
    const joined = await t.api.post("/join", { code: ec.inviteCode }, X.token);
    expect(joined.body).toMatchObject({
      kind: "channel",
      channel: { id: ec.id, eventId: ev.id, myRole: "member" },
    });
    expectProblem(await t.api.get(`/events/${ev.id}`, X.token), 403, "not_a_member");
    expect(await roles(ec.id)).toEqual({ [A.id]: "admin", [X.id]: "member" });
    // A direct member of an event channel can leave it.
    expect((await t.api.del(`/channels/${ec.id}/members/${X.id}`, X.token)).status).toBe(204);
    expectProblem(await t.api.get(`/channels/${ec.id}`, X.token), 403, "not_a_member");
  });

  it("GET /channels/:id/members: members only", async () => {
    const ch = await freshChannel();
    expectProblem(await t.api.get(`/channels/${ch.id}/members`), 401, "unauthenticated");
    expectProblem(await t.api.get(`/channels/${ch.id}/members`, X.token), 403, "not_a_member");
    expectProblem(await t.api.get(`/channels/${MISSING}/members`, A.token), 404, "not_found");
    for (const u of [A, Mo, Me])
      expect(await roles(ch.id, u.token)).toEqual({
        [A.id]: "admin",
        [Mo.id]: "moderator",
        [Me.id]: "member",
      });
    const list = (await t.api.get(`/channels/${ch.id}/members`, Me.token)).body as { user: { id: string } }[];
    expect(list.find((m) => m.user.id === A.id)).toEqual({
      user: pub(A),
      role: "admin",
      canSpeak: true,
      // What Me, a plain member, may do to the admin: nothing.
      abilities: { remove: false, changeRole: false, setCanSpeak: false, resetPassword: false },
      joinedAt: expect.any(String),
    });
  });

  it("PATCH /channels/:id/members/:userId: admin sets roles; moderator only mutes members", async () => {
    const ch = await freshChannel();
    const url = (u: TestUser) => `/channels/${ch.id}/members/${u.id}`;
    expectProblem(await t.api.patch(url(Me), { canSpeak: false }), 401, "unauthenticated");
    expectProblem(await t.api.patch(url(Me), { canSpeak: false }, X.token), 403, "not_a_member");
    expectProblem(await t.api.patch(url(Mo), { canSpeak: false }, Me.token), 403, "forbidden");
    expectProblem(await t.api.patch(url(Me), { role: "moderator" }, Me.token), 403, "forbidden");
    expectProblem(await t.api.patch(url(Me), { role: "moderator" }, Mo.token), 403, "forbidden");
    expectProblem(await t.api.patch(url(A), { canSpeak: false }, Mo.token), 403, "forbidden");
    expectProblem(await t.api.patch(url(X), { canSpeak: false }, A.token), 404, "not_found");
    expectProblem(await t.api.patch(url(A), { role: "member" }, A.token), 409, "conflict");
    expect(await roles(ch.id)).toEqual({ [A.id]: "admin", [Mo.id]: "moderator", [Me.id]: "member" });

    const muted = await t.api.patch(url(Me), { canSpeak: false }, Mo.token);
    expect(muted.status).toBe(200);
    expect(muted.body).toEqual({
      user: pub(Me),
      role: "member",
      canSpeak: false,
      abilities: { remove: true, changeRole: false, setCanSpeak: true, resetPassword: false },
      joinedAt: expect.any(String),
    });
    expect((await t.api.get(`/channels/${ch.id}`, Me.token)).body.canSpeak).toBe(false);

    const promoted = await t.api.patch(url(Me), { role: "admin" }, A.token);
    expect(promoted.body).toMatchObject({ role: "admin", canSpeak: false });
    // With two admins, the first may step down.
    expect((await t.api.patch(url(A), { role: "member" }, A.token)).body.role).toBe("member");
    expectProblem(await t.api.patch(url(Me), { role: "moderator" }, Me.token), 409, "conflict");
    expect(await roles(ch.id, Me.token)).toEqual({
      [A.id]: "member",
      [Mo.id]: "moderator",
      [Me.id]: "admin (muted)",
    });
  });

  it("event channels: derived roles can be raised but not lowered below the event role", async () => {
    const ev = (await t.api.post("/events", { name: "E" }, A.token)).body;
    for (const u of [Mo, Me]) await t.api.post("/join", { code: ev.inviteCode }, u.token);
    await t.api.patch(`/events/${ev.id}/members/${Mo.id}`, { role: "moderator" }, A.token);
    const ec = (await t.api.post("/channels", { name: "Main", eventId: ev.id }, A.token)).body;
    const url = (u: TestUser) => `/channels/${ec.id}/members/${u.id}`;

    expect((await t.api.patch(url(Me), { role: "moderator" }, A.token)).body.role).toBe("moderator");
    expect((await t.api.get(`/channels/${ec.id}`, Me.token)).body).toMatchObject({
      myRole: "moderator",
      inviteCode: ec.inviteCode,
    });
    expectProblem(await t.api.patch(url(A), { role: "member" }, A.token), 409, "conflict");
    expectProblem(await t.api.patch(url(Mo), { role: "member" }, A.token), 409, "conflict");
    expect(await roles(ec.id)).toEqual({ [A.id]: "admin", [Mo.id]: "moderator", [Me.id]: "moderator" });
    expect((await t.api.patch(url(Mo), { canSpeak: false }, A.token)).body).toMatchObject({
      role: "moderator",
      canSpeak: false,
    });

    // Membership from the event cannot be removed per channel: it goes with the event.
    expectProblem(await t.api.del(url(Me), A.token), 409, "conflict");
    expectProblem(await t.api.del(url(Me), Me.token), 409, "conflict");

    // A direct member raised to admin of an event channel may still leave: organisers stay admins.
    await t.api.post("/join", { code: ec.inviteCode }, X.token);
    expect((await t.api.patch(url(X), { role: "admin" }, A.token)).body.role).toBe("admin");
    expect((await t.api.del(url(X), X.token)).status).toBe(204);
    expectProblem(await t.api.get(`/channels/${ec.id}`, X.token), 403, "not_a_member");
  });

  it("DELETE /channels/:id/members/:userId: admin removes anyone, moderator members, anyone leaves", async () => {
    const ch = await freshChannel();
    const url = (u: TestUser) => `/channels/${ch.id}/members/${u.id}`;
    expectProblem(await t.api.del(url(Me)), 401, "unauthenticated");
    expectProblem(await t.api.del(url(Me), X.token), 403, "not_a_member");
    expectProblem(await t.api.del(url(Mo), Me.token), 403, "forbidden");
    expectProblem(await t.api.del(url(A), Me.token), 403, "forbidden");
    expectProblem(await t.api.del(url(A), Mo.token), 403, "forbidden");
    expectProblem(await t.api.del(url(X), A.token), 404, "not_found");
    expectProblem(await t.api.del(url(A), A.token), 409, "conflict");
    expect(await roles(ch.id)).toEqual({ [A.id]: "admin", [Mo.id]: "moderator", [Me.id]: "member" });

    expect((await t.api.del(url(Me), Mo.token)).status).toBe(204);
    expectProblem(await t.api.get(`/channels/${ch.id}`, Me.token), 403, "not_a_member");
    expect((await t.api.post("/join", { code: ch.code }, Me.token)).status).toBe(200);
    expect((await t.api.del(url(Me), Me.token)).status).toBe(204);
    expectProblem(await t.api.get(`/channels/${ch.id}/messages`, Me.token), 403, "not_a_member");
    expect((await t.api.del(url(Mo), A.token)).status).toBe(204);
    expect(await roles(ch.id)).toEqual({ [A.id]: "admin" });
  });

  it("GET /channels/:id/presence: members only", async () => {
    const ch = await freshChannel();
    expectProblem(await t.api.get(`/channels/${ch.id}/presence`), 401, "unauthenticated");
    expectProblem(await t.api.get(`/channels/${ch.id}/presence`, X.token), 403, "not_a_member");
    const res = await t.api.get(`/channels/${ch.id}/presence`, Me.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ online: [], speaker: null });
  });

  describe("messages", () => {
    it("POST: members 201, the same clientId again 200 with the same message; others denied", async () => {
      const ch = await freshChannel();
      const url = `/channels/${ch.id}/messages`;
      expectProblem(await t.api.post(url, { body: "x", clientId: "a" }), 401, "unauthenticated");
      expectProblem(await t.api.post(url, { body: "x", clientId: "a" }, X.token), 403, "not_a_member");
      expectProblem(
        await t.api.post(`/channels/${MISSING}/messages`, { body: "x", clientId: "a" }, A.token),
        404,
        "not_found",
      );

      const first = await t.api.post(url, { body: "  hello  ", clientId: "a" }, Me.token);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.any(String),
        channelId: ch.id,
        seq: 1,
        sender: pub(Me),
        kind: "text",
        body: "hello",
        createdAt: expect.any(String),
      });
      const retry = await t.api.post(url, { body: "hello (retry)", clientId: "a" }, Me.token);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      // Same clientId from another sender is another message.
      const other = await t.api.post(url, { body: "hi", clientId: "a" }, A.token);
      expect(other.status).toBe(201);
      expect(other.body.seq).toBe(2);
      // Muted members may still write.
      await t.api.patch(`/channels/${ch.id}/members/${Me.id}`, { canSpeak: false }, A.token);
      expect((await t.api.post(url, { body: "typing", clientId: "b" }, Me.token)).body.seq).toBe(3);
      expect((await t.api.get(`/channels/${ch.id}`, Me.token)).body.lastSeq).toBe(3);
    });

    it("GET history: members only; newest page, before, after, hasMore, limit", async () => {
      const ch = await freshChannel();
      const url = `/channels/${ch.id}/messages`;
      for (let i = 1; i <= 7; i++)
        expect(
          (await t.api.post(url, { body: `m${i}`, clientId: `c${i}` }, i % 2 ? Me.token : Mo.token)).status,
        ).toBe(201);
      expectProblem(await t.api.get(url), 401, "unauthenticated");
      expectProblem(await t.api.get(url, X.token), 403, "not_a_member");

      const page = async (q: string) => {
        const res = await t.api.get(`${url}${q}`, Me.token);
        expect(res.status, q).toBe(200);
        return [(res.body.messages as { seq: number }[]).map((m) => m.seq), res.body.hasMore];
      };
      expect(await page("")).toEqual([[1, 2, 3, 4, 5, 6, 7], false]);
      expect(await page("?limit=3")).toEqual([[5, 6, 7], true]);
      expect(await page("?before=5&limit=3")).toEqual([[2, 3, 4], true]);
      expect(await page("?before=2&limit=3")).toEqual([[1], false]);
      expect(await page("?after=0&limit=3")).toEqual([[1, 2, 3], true]);
      expect(await page("?after=4&limit=3")).toEqual([[5, 6, 7], false]);
      expect(await page("?after=7")).toEqual([[], false]);
      expect(await page("?limit=200")).toEqual([[1, 2, 3, 4, 5, 6, 7], false]);
      const full = (await t.api.get(`${url}?after=1&limit=1`, A.token)).body.messages[0];
      expect(full).toMatchObject({ seq: 2, body: "m2", sender: pub(Mo), kind: "text", channelId: ch.id });
    });
  });
});

describe.each(MODES)("channels under concurrency (%s)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(await createBacking(mode));
  });
  afterAll(async () => {
    await t?.close();
  });

  it("joining with one channel code several times at once: all 200, one membership", async () => {
    const [a, u] = await Promise.all([t.api.user(), t.api.user()]);
    const ch = (await t.api.post("/channels", { name: "C" }, a.token)).body;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => t.api.post("/join", { code: ch.inviteCode }, u.token)),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect((await t.api.get(`/channels/${ch.id}/members`, a.token)).body).toHaveLength(2);
  });

  it("messages posted while their channel is deleted: 201 or 404, never a 5xx", async () => {
    const a = await t.api.user();
    for (let round = 0; round < 5; round++) {
      const ch = (await t.api.post("/channels", { name: "C" }, a.token)).body;
      const posts = Array.from({ length: 10 }, (_, i) =>
        t.api.post(`/channels/${ch.id}/messages`, { body: "x", clientId: `c${i}` }, a.token),
      );
      const results = await Promise.all([...posts, t.api.del(`/channels/${ch.id}`, a.token)]);
      expect(results.pop()!.status).toBe(204);
      for (const r of results) expect([201, 404], JSON.stringify(r.body)).toContain(r.status);
    }
  });

  it("two admins stepping down at once: one stays admin", async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([t.api.user(), t.api.user()]);
      const ch = (await t.api.post("/channels", { name: "C" }, a.token)).body;
      await t.api.post("/join", { code: ch.inviteCode }, b.token);
      expect(
        (await t.api.patch(`/channels/${ch.id}/members/${b.id}`, { role: "admin" }, a.token)).status,
      ).toBe(200);
      const results = await Promise.all([
        t.api.patch(`/channels/${ch.id}/members/${a.id}`, { role: "member" }, a.token),
        t.api.del(`/channels/${ch.id}/members/${b.id}`, b.token),
      ]);
      // One wins (200 for the PATCH, 204 for the DELETE), the other is refused.
      expect(results.filter((r) => r.status === 409)).toHaveLength(1);
      expect(results.filter((r) => r.status === 200 || r.status === 204)).toHaveLength(1);
      expect(results.find((r) => r.status === 409)!.body.code).toBe("conflict");
      const list = (await t.api.get(`/channels/${ch.id}/members`, a.token)).body as { role: string }[];
      expect(list.filter((m) => m.role === "admin")).toHaveLength(1);
    }
  });
});
