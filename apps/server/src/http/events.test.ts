/**
 * Every event route of the wire contract with the roles allowed AND denied (anonymous, non-member,
 * participant, moderator, organiser), joining by code, invite codes, member management and
 * delete cascades, in both modes. Denied requests are checked to have changed nothing.
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
/** A user as others see them: no email. */
const pub = ({ user: { id, username, displayName, createdAt } }: TestUser) => ({
  id,
  username,
  displayName,
  createdAt,
});

describe.each(MODES)("events (%s)", (mode) => {
  let t: TestApp;
  /** organiser, moderator, participant, outsider (not a member). */
  let O: TestUser;
  let M: TestUser;
  let P: TestUser;
  let X: TestUser;

  beforeAll(async () => {
    t = await startApp(await createBacking(mode));
    [O, M, P, X] = await Promise.all([t.api.user(), t.api.user(), t.api.user(), t.api.user()]);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh event of O with M as moderator and P as participant, and one channel. */
  async function freshEvent(name = "Festival") {
    const created = await t.api.post("/events", { name, description: "d" }, O.token);
    expect(created.status).toBe(201);
    const event = created.body;
    for (const u of [M, P])
      expect((await t.api.post("/join", { code: event.inviteCode }, u.token)).status).toBe(200);
    expect(
      (await t.api.patch(`/events/${event.id}/members/${M.id}`, { role: "moderator" }, O.token)).status,
    ).toBe(200);
    const channel = await t.api.post("/channels", { name: "Stage", eventId: event.id }, O.token);
    expect(channel.status).toBe(201);
    return { id: event.id as string, code: event.inviteCode as string, channelId: channel.body.id as string };
  }

  it("POST /events: any signed-in user creates one and becomes its organiser; anonymous 401", async () => {
    expectProblem(await t.api.post("/events", { name: "x" }), 401, "unauthenticated");
    const res = await t.api.post(
      "/events",
      {
        name: "  Launch  ",
        description: "party",
        startsAt: "2026-07-01T10:00:00Z",
        endsAt: "2026-07-01T18:00:00+02:00",
      },
      P.token,
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: "Launch",
      description: "party",
      startsAt: "2026-07-01T10:00:00.000Z",
      endsAt: "2026-07-01T16:00:00.000Z",
      myRole: "organiser",
      memberCount: 1,
      inviteCode: expect.stringMatching(CODE),
      inviteUrl: expect.stringMatching(/^http:\/\/[^/]+\/join\/[0-9A-Z]{8}$/),
      abilities: {
        edit: true,
        delete: true,
        invite: true,
        rotateInvite: true,
        manageMembers: true,
        changeRoles: true,
        createChannel: true,
        handleAlerts: true,
        patch: true,
        allCall: true,
      },
      createdAt: expect.any(String),
    });
    const got = await t.api.get(`/events/${res.body.id}`, P.token);
    expect(got.body).toMatchObject({ ...res.body, channels: [] });
  });

  it("GET /events lists my events with my role; inviteCode only for organiser and moderator", async () => {
    const ev = await freshEvent();
    expectProblem(await t.api.get("/events"), 401, "unauthenticated");
    const find = async (u: TestUser) =>
      ((await t.api.get("/events", u.token)).body as { id: string }[]).find((e) => e.id === ev.id);
    expect(await find(O)).toMatchObject({ myRole: "organiser", memberCount: 3, inviteCode: ev.code });
    expect(await find(M)).toMatchObject({ myRole: "moderator", memberCount: 3, inviteCode: ev.code });
    const asP = await find(P);
    expect(asP).toMatchObject({ myRole: "participant", memberCount: 3 });
    expect(asP).not.toHaveProperty("inviteCode");
    expect(await find(X)).toBeUndefined();
  });

  it("GET /events/:id: members see it with its channels; non-member 403; unknown 404", async () => {
    const ev = await freshEvent();
    expectProblem(await t.api.get(`/events/${ev.id}`), 401, "unauthenticated");
    expectProblem(await t.api.get(`/events/${ev.id}`, X.token), 403, "not_a_member");
    expectProblem(await t.api.get(`/events/${MISSING}`, O.token), 404, "not_found");

    const asO = await t.api.get(`/events/${ev.id}`, O.token);
    expect(asO.status).toBe(200);
    expect(asO.body).toMatchObject({ myRole: "organiser", inviteCode: ev.code, memberCount: 3 });
    expect(asO.body.channels).toEqual([
      expect.objectContaining({
        id: ev.channelId,
        eventId: ev.id,
        myRole: "admin",
        inviteCode: expect.stringMatching(CODE),
      }),
    ]);
    const asM = await t.api.get(`/events/${ev.id}`, M.token);
    expect(asM.body).toMatchObject({ myRole: "moderator", inviteCode: ev.code });
    expect(asM.body.channels[0]).toMatchObject({ myRole: "moderator", inviteCode: expect.any(String) });
    const asP = await t.api.get(`/events/${ev.id}`, P.token);
    expect(asP.status).toBe(200);
    expect(asP.body.myRole).toBe("participant");
    expect(asP.body).not.toHaveProperty("inviteCode");
    expect(asP.body.channels[0].myRole).toBe("member");
    expect(asP.body.channels[0]).not.toHaveProperty("inviteCode");
  });

  it("PATCH /events/:id: organiser only; denied roles change nothing", async () => {
    const ev = await freshEvent("Before");
    const patch = { name: "After", startsAt: "2026-08-01T09:00:00Z" };
    expectProblem(await t.api.patch(`/events/${ev.id}`, patch), 401, "unauthenticated");
    expectProblem(await t.api.patch(`/events/${ev.id}`, patch, X.token), 403, "not_a_member");
    expectProblem(await t.api.patch(`/events/${ev.id}`, patch, P.token), 403, "forbidden");
    expectProblem(await t.api.patch(`/events/${ev.id}`, patch, M.token), 403, "forbidden");
    expectProblem(await t.api.patch(`/events/${MISSING}`, patch, O.token), 404, "not_found");
    expect((await t.api.get(`/events/${ev.id}`, O.token)).body).toMatchObject({
      name: "Before",
      startsAt: null,
    });

    const res = await t.api.patch(`/events/${ev.id}`, patch, O.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: "After",
      description: "d",
      startsAt: "2026-08-01T09:00:00.000Z",
      endsAt: null,
    });
    expect(res.body.channels).toHaveLength(1);
    expect((await t.api.get(`/events/${ev.id}`, P.token)).body).toMatchObject({ name: "After" });

    // endsAt before the stored startsAt is refused, and changes nothing.
    expectProblem(
      await t.api.patch(`/events/${ev.id}`, { endsAt: "2026-07-01T00:00:00Z" }, O.token),
      400,
      "invalid_body",
    );
    // Clearing a time with null.
    const cleared = await t.api.patch(`/events/${ev.id}`, { startsAt: null }, O.token);
    expect(cleared.body).toMatchObject({ startsAt: null, endsAt: null, name: "After" });
  });

  it("DELETE /events/:id: organiser only; deletes its channels and their messages", async () => {
    const ev = await freshEvent();
    const msg = await t.api.post(
      `/channels/${ev.channelId}/messages`,
      { body: "hi", clientId: "m1" },
      P.token,
    );
    expect(msg.status).toBe(201);
    expectProblem(await t.api.del(`/events/${ev.id}`), 401, "unauthenticated");
    expectProblem(await t.api.del(`/events/${ev.id}`, X.token), 403, "not_a_member");
    expectProblem(await t.api.del(`/events/${ev.id}`, P.token), 403, "forbidden");
    expectProblem(await t.api.del(`/events/${ev.id}`, M.token), 403, "forbidden");
    expect((await t.api.get(`/events/${ev.id}`, P.token)).status).toBe(200);

    const res = await t.api.del(`/events/${ev.id}`, O.token);
    expect(res.status).toBe(204);
    expect(res.body).toBe("");
    for (const u of [O, M, P]) {
      expectProblem(await t.api.get(`/events/${ev.id}`, u.token), 404, "not_found");
      expectProblem(await t.api.get(`/channels/${ev.channelId}`, u.token), 404, "not_found");
      expectProblem(await t.api.get(`/channels/${ev.channelId}/messages`, u.token), 404, "not_found");
      expect(
        ((await t.api.get("/events", u.token)).body as { id: string }[]).some((e) => e.id === ev.id),
      ).toBe(false);
      expect(
        ((await t.api.get("/channels", u.token)).body as { id: string }[]).some((c) => c.id === ev.channelId),
      ).toBe(false);
    }
    expectProblem(await t.api.post("/join", { code: ev.code }, X.token), 404, "invalid_code");
    expectProblem(await t.api.del(`/events/${ev.id}`, O.token), 404, "not_found");
  });

  it("POST /events/:id/invite-code: organiser only; the old code stops working", async () => {
    const ev = await freshEvent();
    expectProblem(await t.api.post(`/events/${ev.id}/invite-code`), 401, "unauthenticated");
    expectProblem(await t.api.post(`/events/${ev.id}/invite-code`, undefined, X.token), 403, "not_a_member");
    expectProblem(await t.api.post(`/events/${ev.id}/invite-code`, undefined, P.token), 403, "forbidden");
    expectProblem(await t.api.post(`/events/${ev.id}/invite-code`, undefined, M.token), 403, "forbidden");
    expect((await t.api.get(`/events/${ev.id}`, O.token)).body.inviteCode).toBe(ev.code);

    const res = await t.api.post(`/events/${ev.id}/invite-code`, undefined, O.token);
    expect(res.status).toBe(200);
    expect(res.body.inviteCode).toMatch(CODE);
    expect(res.body.inviteCode).not.toBe(ev.code);
    expect(res.body).toMatchObject({
      id: ev.id,
      myRole: "organiser",
      channels: [expect.objectContaining({ id: ev.channelId })],
    });
    expect((await t.api.get(`/events/${ev.id}`, M.token)).body.inviteCode).toBe(res.body.inviteCode);

    expectProblem(await t.api.post("/join", { code: ev.code }, X.token), 404, "invalid_code");
    expectProblem(await t.api.get(`/events/${ev.id}`, X.token), 403, "not_a_member");
    const joined = await t.api.post("/join", { code: res.body.inviteCode.toLowerCase() }, X.token);
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ kind: "event", event: { id: ev.id, myRole: "participant" } });
  });

  it("POST /join with an event code: participant with the event's channels; twice is the same 200 body", async () => {
    const ev = await freshEvent();
    const before = (await t.api.get(`/events/${ev.id}`, O.token)).body.memberCount;
    expectProblem(await t.api.post("/join", { code: ev.code }), 401, "unauthenticated");
    const first = await t.api.post("/join", { code: ev.code }, X.token);
    expect(first.status).toBe(200);
    expect(first.body.kind).toBe("event");
    expect(first.body.channel).toBeUndefined();
    expect(first.body.event).toMatchObject({ id: ev.id, myRole: "participant", memberCount: before + 1 });
    expect(first.body.event).not.toHaveProperty("inviteCode");
    expect(first.body.event.channels).toEqual([
      expect.objectContaining({ id: ev.channelId, myRole: "member" }),
    ]);

    const second = await t.api.post("/join", { code: `${ev.code.slice(0, 4)}-${ev.code.slice(4)}` }, X.token);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect((await t.api.get(`/events/${ev.id}`, O.token)).body.memberCount).toBe(before + 1);

    // An organiser or moderator using the code keeps their role.
    const again = await t.api.post("/join", { code: ev.code }, M.token);
    expect(again.body.event).toMatchObject({
      myRole: "moderator",
      memberCount: before + 1,
      inviteCode: ev.code,
    });
    expect((await t.api.post("/join", { code: ev.code }, O.token)).body.event.myRole).toBe("organiser");

    // Remove X again so other tests see the usual three members.
    expect((await t.api.del(`/events/${ev.id}/members/${X.id}`, X.token)).status).toBe(204);
    expectProblem(await t.api.post("/join", { code: "ZZZZZZZZ" }, X.token), 404, "invalid_code");
  });

  it("GET /events/:id/members: members only", async () => {
    const ev = await freshEvent();
    expectProblem(await t.api.get(`/events/${ev.id}/members`), 401, "unauthenticated");
    expectProblem(await t.api.get(`/events/${ev.id}/members`, X.token), 403, "not_a_member");
    expectProblem(await t.api.get(`/events/${MISSING}/members`, O.token), 404, "not_found");
    for (const u of [O, M, P]) {
      const res = await t.api.get(`/events/${ev.id}/members`, u.token);
      expect(res.status).toBe(200);
      const roles = Object.fromEntries(
        (res.body as { user: { id: string }; role: string }[]).map((m) => [m.user.id, m.role]),
      );
      expect(roles).toEqual({ [O.id]: "organiser", [M.id]: "moderator", [P.id]: "participant" });
      const me = (res.body as { user: { id: string } }[]).find((m) => m.user.id === O.id)!;
      // What each caller may do to the organiser: only an organiser (here, themself) acts.
      const byOrganiser = u === O;
      expect(me).toEqual({
        user: pub(O),
        role: "organiser",
        abilities: { remove: byOrganiser, changeRole: byOrganiser, setCanSpeak: false, resetPassword: false },
        joinedAt: expect.any(String),
      });
    }
  });

  it("PATCH /events/:id/members/:userId: organiser only; last organiser is protected", async () => {
    const ev = await freshEvent();
    const url = (u: TestUser) => `/events/${ev.id}/members/${u.id}`;
    expectProblem(await t.api.patch(url(P), { role: "moderator" }), 401, "unauthenticated");
    expectProblem(await t.api.patch(url(P), { role: "moderator" }, X.token), 403, "not_a_member");
    expectProblem(await t.api.patch(url(P), { role: "moderator" }, P.token), 403, "forbidden");
    expectProblem(await t.api.patch(url(P), { role: "moderator" }, M.token), 403, "forbidden");
    expectProblem(await t.api.patch(url(M), { role: "organiser" }, M.token), 403, "forbidden");
    expectProblem(await t.api.patch(url(X), { role: "moderator" }, O.token), 404, "not_found");
    expectProblem(await t.api.patch(url(O), { role: "participant" }, O.token), 409, "last_organiser");
    const roles = async () =>
      Object.fromEntries(
        (
          (await t.api.get(`/events/${ev.id}/members`, O.token)).body as {
            user: { id: string };
            role: string;
          }[]
        ).map((m) => [m.user.id, m.role]),
      );
    expect(await roles()).toEqual({ [O.id]: "organiser", [M.id]: "moderator", [P.id]: "participant" });

    const promoted = await t.api.patch(url(P), { role: "moderator" }, O.token);
    expect(promoted.status).toBe(200);
    expect(promoted.body).toEqual({
      user: pub(P),
      role: "moderator",
      abilities: { remove: true, changeRole: true, setCanSpeak: false, resetPassword: false },
      joinedAt: expect.any(String),
    });
    // P now sees the invite code and moderates the event's channels.
    const asP = await t.api.get(`/events/${ev.id}`, P.token);
    expect(asP.body).toMatchObject({ myRole: "moderator", inviteCode: ev.code });
    expect(asP.body.channels[0].myRole).toBe("moderator");

    // With a second organiser, the first may step down; then the second is the last.
    expect((await t.api.patch(url(M), { role: "organiser" }, O.token)).status).toBe(200);
    expect((await t.api.patch(url(O), { role: "participant" }, O.token)).body.role).toBe("participant");
    expectProblem(await t.api.patch(url(M), { role: "moderator" }, M.token), 409, "last_organiser");
    expectProblem(await t.api.patch(url(O), { role: "organiser" }, O.token), 403, "forbidden");
    expect(await roles()).toEqual({ [O.id]: "participant", [M.id]: "organiser", [P.id]: "moderator" });
    expect((await t.api.get(`/events/${ev.id}`, O.token)).body).not.toHaveProperty("inviteCode");
  });

  it("DELETE /events/:id/members/:userId: organiser removes anyone, moderator participants, anyone leaves", async () => {
    const ev = await freshEvent();
    const url = (u: TestUser) => `/events/${ev.id}/members/${u.id}`;
    const ids = async () =>
      ((await t.api.get(`/events/${ev.id}/members`, O.token)).body as { user: { id: string } }[])
        .map((m) => m.user.id)
        .sort();
    expectProblem(await t.api.del(url(P)), 401, "unauthenticated");
    expectProblem(await t.api.del(url(P), X.token), 403, "not_a_member");
    expectProblem(await t.api.del(url(M), P.token), 403, "forbidden");
    expectProblem(await t.api.del(url(O), P.token), 403, "forbidden");
    expectProblem(await t.api.del(url(O), M.token), 403, "forbidden");
    expectProblem(await t.api.del(url(X), O.token), 404, "not_found");
    expectProblem(await t.api.del(url(O), O.token), 409, "last_organiser");
    expect(await ids()).toEqual([O.id, M.id, P.id].sort());

    // Moderator removes a participant: P loses the event and its channels.
    expect((await t.api.del(url(P), M.token)).status).toBe(204);
    expectProblem(await t.api.get(`/events/${ev.id}`, P.token), 403, "not_a_member");
    expectProblem(await t.api.get(`/channels/${ev.channelId}`, P.token), 403, "not_a_member");
    expect((await t.api.get(`/events/${ev.id}`, O.token)).body.memberCount).toBe(2);

    // A participant leaves by themselves.
    expect((await t.api.post("/join", { code: ev.code }, P.token)).status).toBe(200);
    expect((await t.api.del(url(P), P.token)).status).toBe(204);
    expectProblem(await t.api.get(`/events/${ev.id}`, P.token), 403, "not_a_member");

    // A moderator leaves; the organiser removes a moderator.
    expect((await t.api.del(url(M), M.token)).status).toBe(204);
    expect((await t.api.post("/join", { code: ev.code }, M.token)).body.event.myRole).toBe("participant");
    await t.api.patch(url(M), { role: "moderator" }, O.token);
    expect((await t.api.del(url(M), O.token)).status).toBe(204);
    expect(await ids()).toEqual([O.id]);
  });
});

describe.each(MODES)("events under concurrency (%s)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(await createBacking(mode));
  });
  afterAll(async () => {
    await t?.close();
  });

  it("joining with one code several times at once: all 200, one membership", async () => {
    const [o, u] = await Promise.all([t.api.user(), t.api.user()]);
    const ev = (await t.api.post("/events", { name: "E" }, o.token)).body;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => t.api.post("/join", { code: ev.inviteCode }, u.token)),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const r of results) expect(r.body.event).toMatchObject({ myRole: "participant", memberCount: 2 });
    expect((await t.api.get(`/events/${ev.id}`, o.token)).body.memberCount).toBe(2);
  });

  it("messages posted while their event is deleted: 201 or 404, never a 5xx", async () => {
    const o = await t.api.user();
    for (let round = 0; round < 5; round++) {
      const ev = (await t.api.post("/events", { name: "E" }, o.token)).body;
      const channels = await Promise.all(
        [0, 1].map(
          async (i) => (await t.api.post("/channels", { name: `C${i}`, eventId: ev.id }, o.token)).body.id,
        ),
      );
      const posts = Array.from({ length: 12 }, (_, i) =>
        t.api.post(`/channels/${channels[i % 2]}/messages`, { body: "x", clientId: `c${i}` }, o.token),
      );
      const results = await Promise.all([...posts, t.api.del(`/events/${ev.id}`, o.token)]);
      expect(results.pop()!.status).toBe(204);
      for (const r of results) expect([201, 404], JSON.stringify(r.body)).toContain(r.status);
    }
  });

  it("joining while the event is deleted: 200 or 404, never a 5xx", async () => {
    const [o, ...joiners] = await Promise.all([
      t.api.user(),
      t.api.user(),
      t.api.user(),
      t.api.user(),
      t.api.user(),
    ]);
    for (let round = 0; round < 5; round++) {
      const ev = (await t.api.post("/events", { name: "E" }, o.token)).body;
      const ch = (await t.api.post("/channels", { name: "C", eventId: ev.id }, o.token)).body;
      const joins = joiners.flatMap((u) => [
        t.api.post("/join", { code: ev.inviteCode }, u.token),
        t.api.post("/join", { code: ch.inviteCode }, u.token),
      ]);
      const results = await Promise.all([...joins, t.api.del(`/events/${ev.id}`, o.token)]);
      expect(results.pop()!.status).toBe(204);
      for (const r of results) expect([200, 404], JSON.stringify(r.body)).toContain(r.status);
    }
  });

  it("creating channels while the event is deleted: 201 or 404, never a 5xx", async () => {
    const o = await t.api.user();
    for (let round = 0; round < 5; round++) {
      const ev = (await t.api.post("/events", { name: "E" }, o.token)).body;
      const creates = Array.from({ length: 6 }, (_, i) =>
        t.api.post("/channels", { name: `C${i}`, eventId: ev.id }, o.token),
      );
      const results = await Promise.all([...creates, t.api.del(`/events/${ev.id}`, o.token)]);
      expect(results.pop()!.status).toBe(204);
      for (const r of results) expect([201, 404], JSON.stringify(r.body)).toContain(r.status);
      // Nothing outlived its event.
      for (const r of results.filter((r) => r.status === 201))
        expect((await t.api.get(`/channels/${r.body.id}`, o.token)).status).toBe(404);
    }
  });

  it("two organisers stepping down at once: one succeeds, one is the last organiser", async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([t.api.user(), t.api.user()]);
      const ev = (await t.api.post("/events", { name: "E" }, a.token)).body;
      await t.api.post("/join", { code: ev.inviteCode }, b.token);
      expect(
        (await t.api.patch(`/events/${ev.id}/members/${b.id}`, { role: "organiser" }, a.token)).status,
      ).toBe(200);
      const results = await Promise.all([
        t.api.patch(`/events/${ev.id}/members/${a.id}`, { role: "participant" }, a.token),
        t.api.del(`/events/${ev.id}/members/${b.id}`, b.token),
      ]);
      // One wins (200 for the PATCH, 204 for the DELETE), the other is refused.
      expect(results.filter((r) => r.status === 409)).toHaveLength(1);
      expect(results.filter((r) => r.status === 200 || r.status === 204)).toHaveLength(1);
      expect(results.find((r) => r.status === 409)!.body.code).toBe("last_organiser");
      const members = (await t.api.get(`/events/${ev.id}/members`, a.token)).body as
        | { role: string }[]
        | undefined;
      const asB = (await t.api.get(`/events/${ev.id}/members`, b.token)).body as
        | { role: string }[]
        | undefined;
      const list = Array.isArray(members) ? members : asB!;
      expect(list.filter((m) => m.role === "organiser")).toHaveLength(1);
    }
  });
});
