/**
 * The authorisation matrix: every REST route of the wire contract and every socket
 * action × every kind of caller, each cell a real request with its expected outcome.
 *
 * Callers, in column order:
 *   anonymous    no token at all
 *   loggedOut    a participant's OTHER session, logged out (the user is a member; the session is not)
 *   other        authenticated, belongs to nothing
 *   nonMember    belongs to another event and channel of the same organiser, not to this one
 *   participant  event participant (so a member of its channels)
 *   listenOnly   event participant with canSpeak=false on the channel
 *   moderator    event moderator (channel moderator)
 *   organiser    event organiser (channel admin)
 *   removed      joined the event, then removed by the organiser
 *
 * Rows marked `fresh` change state: each of their cells gets its own event and channel (same
 * users, same roles), so cells never see each other's effects.
 */
import { encodeAudioFrame } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Api,
  createBacking,
  eventually,
  MODES,
  type Res,
  startApp,
  type TestApp,
  type TestUser,
} from "../test/harness.js";
import { OPUS_20MS, Probe, problemViolation } from "./support.js";

const ROLES = [
  "anonymous",
  "loggedOut",
  "other",
  "nonMember",
  "participant",
  "listenOnly",
  "moderator",
  "organiser",
  "removed",
] as const;
type Role = (typeof ROLES)[number];
type Cells<T> = readonly [T, T, T, T, T, T, T, T, T];

const PASSWORD = "correct horse battery";
const A = "401 unauthenticated";
const X = "401 invalid_token";
const N = "403 not_a_member";
const F = "403 forbidden";
const LAST = "409 last_organiser";
const NF = "404 not_found";
const RESET = "400 invalid_reset_code";
const MEMBER_ROLES: readonly Role[] = ["participant", "listenOnly", "moderator", "organiser"];

interface Users {
  organiser: TestUser;
  moderator: TestUser;
  participant: TestUser;
  listenOnly: TestUser;
  removed: TestUser;
  other: TestUser;
  nonMember: TestUser;
  /** Member of the channel by its channel code only (not of the event): target and listener. */
  channelOnly: TestUser;
  /** A second event participant: target of member changes, and the socket listener. */
  extra: TestUser;
  /** The participant's logged-out session. */
  loggedOut: { token: string; refreshToken: string };
}

interface Scene {
  eventId: string;
  eventCode: string;
  channelId: string;
  channelCode: string;
}

interface Cell {
  api: Api;
  t: TestApp;
  users: Users;
  scene: Scene;
  role: Role;
  /** The caller's bearer token (none for anonymous). */
  token?: string;
  /** The user behind the caller (the participant for loggedOut; none for anonymous). */
  user?: TestUser;
  /** Shared scene's recording, for GET /recordings. */
  recordingId: string;
}

interface RestRow {
  name: string;
  fresh?: boolean;
  expect: Cells<string>;
  /**
   * The policy module's answer for this caller, as the server presents it in `abilities`
   * (read before the cell runs). For every member caller it must agree with the outcome: a 2xx
   * exactly when the ability is granted.
   */
  ability?(c: Cell): Promise<boolean>;
  run(c: Cell): Promise<Res>;
  /** Extra assertions on a cell's response (after its status matched). */
  check?(res: Res, c: Cell): void | Promise<void>;
}

/** Socket outcomes: `close:<code>`, `error:<code>`, a reply type, `denied:<reason>`, or for audio
 *  `relayed` (listener got the caller's frames byte for byte) / `dropped` (listener got none). */
interface SocketRow {
  name: string;
  fresh?: boolean;
  expect: Cells<string>;
  run(c: Cell): Promise<string>;
}

async function login(api: Api, username: string): Promise<{ token: string; refreshToken: string }> {
  const res = await api.post("/auth/login", { login: username, password: PASSWORD });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.accessToken, refreshToken: res.body.refreshToken };
}

async function must(p: Promise<Res>, status: number, what: string): Promise<Res> {
  const res = await p;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** An event with a channel and every role of the matrix in it. */
async function buildScene(api: Api, u: Users): Promise<Scene> {
  const ev = await must(api.post("/events", { name: "Matrix event" }, u.organiser.token), 201, "event");
  const eventId = ev.body.id as string;
  const eventCode = ev.body.inviteCode as string;
  const ch = await must(
    api.post("/channels", { name: "Matrix channel", eventId }, u.organiser.token),
    201,
    "channel",
  );
  const channelId = ch.body.id as string;
  const channelCode = ch.body.inviteCode as string;
  for (const who of [u.moderator, u.participant, u.listenOnly, u.removed, u.extra])
    await must(api.post("/join", { code: eventCode }, who.token), 200, "join event");
  await must(api.post("/join", { code: channelCode }, u.channelOnly.token), 200, "join channel");
  await must(
    api.patch(`/events/${eventId}/members/${u.moderator.id}`, { role: "moderator" }, u.organiser.token),
    200,
    "promote",
  );
  await must(
    api.patch(`/channels/${channelId}/members/${u.listenOnly.id}`, { canSpeak: false }, u.organiser.token),
    200,
    "listen-only",
  );
  await must(api.del(`/events/${eventId}/members/${u.removed.id}`, u.organiser.token), 204, "remove");
  return { eventId, eventCode, channelId, channelCode };
}

function outcome(res: Res): string {
  if (res.status < 300) return String(res.status);
  return `${res.status} ${(res.body as { code?: string })?.code}`;
}

const isMember = (r: Role) => MEMBER_ROLES.includes(r);

// ------------------------------------------------------------------------------------ REST rows

const ev = (c: Cell) => `/events/${c.scene.eventId}`;
const ch = (c: Cell) => `/channels/${c.scene.channelId}`;

/** An ability of the caller on the cell's event or channel, or on one member of its list. */
const eventAbility = (key: string) => async (c: Cell) =>
  Boolean((await c.api.get(ev(c), c.token)).body.abilities[key]);
const channelAbility = (key: string) => async (c: Cell) =>
  Boolean((await c.api.get(ch(c), c.token)).body.abilities[key]);
const memberAbility =
  (list: (c: Cell) => string, target: (c: Cell) => TestUser, key: string) => async (c: Cell) => {
    const members = (await c.api.get(`${list(c)}/members`, c.token)).body as {
      user: { id: string };
      abilities: Record<string, boolean>;
    }[];
    return Boolean(members.find((m) => m.user.id === target(c).id)?.abilities[key]);
  };

/** A new message of the cell's channel, posted by `sender`, that asks to be acknowledged. */
async function ackMessageBy(c: Cell, sender: TestUser): Promise<string> {
  const body = { body: "Acknowledge please", clientId: `ack-${c.role}-${Math.random()}`, ackRequired: true };
  return (await must(c.api.post(`${ch(c)}/messages`, body, sender.token), 201, "ack message")).body.id;
}

const REST: RestRow[] = [
  // auth
  {
    name: "GET /me",
    expect: [A, X, "200", "200", "200", "200", "200", "200", "200"],
    run: (c) => c.api.get("/me", c.token),
    check: (res, c) => expect(res.body.id).toBe(c.user!.id),
  },
  {
    name: "PATCH /me",
    expect: [A, X, "200", "200", "200", "200", "200", "200", "200"],
    run: (c) => c.api.patch("/me", { displayName: `Matrix ${c.role}` }, c.token),
    check: (res, c) => expect(res.body.id).toBe(c.user!.id),
  },
  {
    name: "POST /auth/refresh (own refresh token of a fresh session)",
    fresh: true,
    expect: [X, X, "200", "200", "200", "200", "200", "200", "200"],
    run: async (c) => {
      const refreshToken =
        c.role === "anonymous"
          ? "not-a-refresh-token-of-anyone-0123456789abcdef"
          : c.role === "loggedOut"
            ? c.users.loggedOut.refreshToken
            : (await login(c.api, c.user!.username)).refreshToken;
      return c.api.post("/auth/refresh", { refreshToken });
    },
  },
  {
    name: "POST /auth/logout (fresh session)",
    fresh: true,
    expect: [A, X, "204", "204", "204", "204", "204", "204", "204"],
    run: async (c) => {
      const token = c.user && c.role !== "loggedOut" ? (await login(c.api, c.user.username)).token : c.token;
      const res = await c.api.post("/auth/logout", undefined, token);
      if (res.status === 204) expect((await c.api.get("/me", token)).status).toBe(401);
      return res;
    },
  },
  {
    name: "POST /auth/password-reset (a code nobody issued)",
    expect: [RESET, RESET, RESET, RESET, RESET, RESET, RESET, RESET, RESET],
    run: (c) =>
      c.api.req("POST", "/auth/password-reset", {
        token: c.token,
        body: {
          login: (c.user ?? c.users.extra).username,
          code: "ABCD-EFGH-JK",
          password: "a new passphrase",
        },
      }),
  },
  // events
  {
    name: "GET /events",
    expect: [A, X, "200", "200", "200", "200", "200", "200", "200"],
    run: (c) => c.api.get("/events", c.token),
    check: (res, c) =>
      expect((res.body as { id: string }[]).some((e) => e.id === c.scene.eventId)).toBe(isMember(c.role)),
  },
  {
    name: "POST /events",
    expect: [A, X, "201", "201", "201", "201", "201", "201", "201"],
    run: (c) => c.api.post("/events", { name: `By ${c.role}` }, c.token),
    check: (res) => expect(res.body.myRole).toBe("organiser"),
  },
  {
    name: "GET /events/:eventId",
    expect: [A, X, N, N, "200", "200", "200", "200", N],
    run: (c) => c.api.get(ev(c), c.token),
    check: (res, c) => {
      expect(res.body.inviteCode !== undefined).toBe(c.role === "moderator" || c.role === "organiser");
      expect((res.body.channels as { id: string }[]).map((x) => x.id)).toContain(c.scene.channelId);
    },
  },
  {
    name: "PATCH /events/:eventId",
    ability: eventAbility("edit"),
    fresh: true,
    expect: [A, X, N, N, F, F, F, "200", N],
    run: (c) => c.api.patch(ev(c), { name: "Renamed" }, c.token),
  },
  {
    name: "DELETE /events/:eventId",
    ability: eventAbility("delete"),
    fresh: true,
    expect: [A, X, N, N, F, F, F, "204", N],
    run: async (c) => {
      const res = await c.api.del(ev(c), c.token);
      const after = await c.api.get(ev(c), c.users.organiser.token);
      expect(after.status).toBe(res.status === 204 ? 404 : 200);
      return res;
    },
  },
  {
    name: "POST /events/:eventId/invite-code",
    ability: eventAbility("rotateInvite"),
    fresh: true,
    expect: [A, X, N, N, F, F, F, "200", N],
    run: (c) => c.api.post(`${ev(c)}/invite-code`, undefined, c.token),
    check: (res, c) => expect(res.body.inviteCode).not.toBe(c.scene.eventCode),
  },
  {
    name: "GET /events/:eventId/members",
    expect: [A, X, N, N, "200", "200", "200", "200", N],
    run: (c) => c.api.get(`${ev(c)}/members`, c.token),
  },
  {
    // Before the rows that raise the extra participant anywhere: staff accounts are never reset.
    name: "POST /events/:eventId/members/:participant/password-reset",
    ability: memberAbility(ev, (c) => c.users.extra, "resetPassword"),
    expect: [A, X, N, N, F, F, F, "201", N],
    run: (c) => c.api.post(`${ev(c)}/members/${c.users.extra.id}/password-reset`, undefined, c.token),
    check: (res) => expect(res.body.code).toMatch(/^\w{4}-\w{4}-\w{2}$/),
  },
  {
    name: "PATCH /events/:eventId/members/:participant {role: moderator}",
    ability: memberAbility(ev, (c) => c.users.extra, "changeRole"),
    fresh: true,
    expect: [A, X, N, N, F, F, F, "200", N],
    run: (c) => c.api.patch(`${ev(c)}/members/${c.users.extra.id}`, { role: "moderator" }, c.token),
  },
  {
    name: "DELETE /events/:eventId/members/:participant (remove someone else)",
    ability: memberAbility(ev, (c) => c.users.extra, "remove"),
    fresh: true,
    expect: [A, X, N, N, F, F, "204", "204", N],
    run: (c) => c.api.del(`${ev(c)}/members/${c.users.extra.id}`, c.token),
  },
  {
    name: "DELETE /events/:eventId/members/:organiser (remove the organiser)",
    fresh: true,
    expect: [A, X, N, N, F, F, F, LAST, N],
    run: (c) => c.api.del(`${ev(c)}/members/${c.users.organiser.id}`, c.token),
  },
  {
    name: "DELETE /events/:eventId/members/:self (leave)",
    fresh: true,
    expect: [A, X, N, N, "204", "204", "204", LAST, N],
    run: (c) => c.api.del(`${ev(c)}/members/${(c.user ?? c.users.participant).id}`, c.token),
  },
  // channels
  {
    name: "GET /channels",
    expect: [A, X, "200", "200", "200", "200", "200", "200", "200"],
    run: (c) => c.api.get("/channels", c.token),
    check: (res, c) =>
      expect((res.body as { id: string }[]).some((x) => x.id === c.scene.channelId)).toBe(isMember(c.role)),
  },
  {
    name: "POST /channels (standalone)",
    expect: [A, X, "201", "201", "201", "201", "201", "201", "201"],
    run: (c) => c.api.post("/channels", { name: `By ${c.role}` }, c.token),
    check: (res) => expect(res.body.myRole).toBe("admin"),
  },
  {
    name: "POST /channels {eventId}",
    ability: eventAbility("createChannel"),
    fresh: true,
    expect: [A, X, N, N, F, F, "201", "201", N],
    run: (c) => c.api.post("/channels", { name: "Extra", eventId: c.scene.eventId }, c.token),
  },
  {
    name: "GET /channels/:channelId",
    expect: [A, X, N, N, "200", "200", "200", "200", N],
    run: (c) => c.api.get(ch(c), c.token),
    check: (res, c) => {
      const role = {
        participant: "member",
        listenOnly: "member",
        moderator: "moderator",
        organiser: "admin",
      };
      expect(res.body.myRole).toBe(role[c.role as keyof typeof role]);
      expect(res.body.canSpeak).toBe(c.role !== "listenOnly");
      expect(res.body.inviteCode !== undefined).toBe(c.role === "moderator" || c.role === "organiser");
    },
  },
  {
    name: "PATCH /channels/:channelId",
    ability: channelAbility("edit"),
    fresh: true,
    expect: [A, X, N, N, F, F, "200", "200", N],
    run: (c) => c.api.patch(ch(c), { name: "Renamed" }, c.token),
  },
  {
    name: "DELETE /channels/:channelId",
    ability: channelAbility("delete"),
    fresh: true,
    expect: [A, X, N, N, F, F, F, "204", N],
    run: async (c) => {
      const res = await c.api.del(ch(c), c.token);
      const after = await c.api.get(ch(c), c.users.organiser.token);
      expect(after.status).toBe(res.status === 204 ? 404 : 200);
      return res;
    },
  },
  {
    name: "POST /channels/:channelId/invite-code",
    ability: channelAbility("rotateInvite"),
    fresh: true,
    expect: [A, X, N, N, F, F, "200", "200", N],
    run: (c) => c.api.post(`${ch(c)}/invite-code`, undefined, c.token),
    check: (res, c) => expect(res.body.inviteCode).not.toBe(c.scene.channelCode),
  },
  {
    name: "GET /channels/:channelId/members",
    expect: [A, X, N, N, "200", "200", "200", "200", N],
    run: (c) => c.api.get(`${ch(c)}/members`, c.token),
  },
  {
    name: "PATCH /channels/:channelId/members/:participant {canSpeak: false}",
    ability: memberAbility(ch, (c) => c.users.participant, "setCanSpeak"),
    fresh: true,
    expect: [A, X, N, N, F, F, "200", "200", N],
    run: (c) => c.api.patch(`${ch(c)}/members/${c.users.participant.id}`, { canSpeak: false }, c.token),
    check: (res) => expect(res.body.canSpeak).toBe(false),
  },
  {
    name: "PATCH /channels/:channelId/members/:participant {role: admin}",
    ability: memberAbility(ch, (c) => c.users.participant, "changeRole"),
    fresh: true,
    expect: [A, X, N, N, F, F, F, "200", N],
    run: (c) => c.api.patch(`${ch(c)}/members/${c.users.participant.id}`, { role: "admin" }, c.token),
  },
  {
    name: "DELETE /channels/:channelId/members/:channelOnlyMember",
    ability: memberAbility(ch, (c) => c.users.channelOnly, "remove"),
    fresh: true,
    expect: [A, X, N, N, F, F, "204", "204", N],
    run: (c) => c.api.del(`${ch(c)}/members/${c.users.channelOnly.id}`, c.token),
  },
  {
    name: "GET /channels/:channelId/presence",
    expect: [A, X, N, N, "200", "200", "200", "200", N],
    run: (c) => c.api.get(`${ch(c)}/presence`, c.token),
  },
  {
    name: "GET /channels/:channelId/messages",
    expect: [A, X, N, N, "200", "200", "200", "200", N],
    run: (c) => c.api.get(`${ch(c)}/messages?limit=5`, c.token),
  },
  {
    name: "POST /channels/:channelId/messages",
    expect: [A, X, N, N, "201", "201", "201", "201", N],
    run: (c) =>
      c.api.post(`${ch(c)}/messages`, { body: "hi", clientId: `m-${c.role}-${Date.now()}` }, c.token),
    check: (res, c) => expect(res.body.sender.id).toBe(c.user!.id),
  },
  {
    name: "POST /channels/:channelId/messages {ackRequired}",
    ability: channelAbility("requireAck"),
    expect: [A, X, N, N, F, F, "201", "201", N],
    run: (c) =>
      c.api.post(
        `${ch(c)}/messages`,
        { body: "ack?", clientId: `a-${c.role}-${Date.now()}`, ackRequired: true },
        c.token,
      ),
    check: (res) => expect(res.body.ack).toMatchObject({ required: true, count: 0 }),
  },
  {
    name: "POST /messages/:organisersAckMessage/ack",
    expect: [A, X, N, N, "200", "200", "200", "409 conflict", N],
    run: async (c) =>
      c.api.post(`/messages/${await ackMessageBy(c, c.users.organiser)}/ack`, undefined, c.token),
    check: (res, c) => expect(res.body.userId).toBe(c.user!.id),
  },
  {
    name: "GET /messages/:moderatorsAckMessage/acks",
    expect: [A, X, N, N, F, F, "200", "200", N],
    run: async (c) => c.api.get(`/messages/${await ackMessageBy(c, c.users.moderator)}/acks`, c.token),
    check: (res) => expect(res.body.pending.length).toBeGreaterThan(0),
  },
  {
    name: "GET /recordings/:recordingId",
    expect: [A, X, N, N, "200", "200", "200", "200", N],
    run: (c) => c.api.get(`/recordings/${c.recordingId}`, c.token),
    check: (res) => expect(res.headers["content-type"]).toBe("audio/ogg"),
  },
  // joining
  {
    name: "POST /join {event code}",
    fresh: true,
    expect: [A, X, "200", "200", "200", "200", "200", "200", "200"],
    run: (c) => c.api.post("/join", { code: c.scene.eventCode }, c.token),
    check: (res, c) => {
      const kept = { moderator: "moderator", organiser: "organiser" } as Record<string, string>;
      expect(res.body.event.myRole).toBe(kept[c.role] ?? "participant");
    },
  },
  {
    name: "POST /join {channel code}",
    fresh: true,
    expect: [A, X, "200", "200", "200", "200", "200", "200", "200"],
    run: (c) => c.api.post("/join", { code: c.scene.channelCode }, c.token),
    check: (res, c) => {
      // Joining by code never lowers a role or restores a speak permission taken away.
      expect(res.body.channel.canSpeak).toBe(c.role !== "listenOnly");
      if (c.role === "organiser") expect(res.body.channel.myRole).toBe("admin");
    },
  },
  {
    name: "POST /join {unknown code}",
    expect: [
      A,
      X,
      "404 invalid_code",
      "404 invalid_code",
      "404 invalid_code",
      "404 invalid_code",
      "404 invalid_code",
      "404 invalid_code",
      "404 invalid_code",
    ],
    run: (c) => c.api.post("/join", { code: "ZZZZ-ZZZZ" }, c.token),
  },

  // alerts: an alert the caller may not see is 404, whether it exists or not
  {
    name: "POST /events/:id/alerts",
    fresh: true,
    expect: [A, X, N, N, "201", "201", "201", "201", N],
    run: (c) => c.api.post(`${ev(c)}/alerts`, { note: "matrix" }, c.token),
  },
  {
    name: "GET /events/:id/alerts",
    expect: [A, X, N, N, "200", "200", "200", "200", N],
    run: (c) => c.api.get(`${ev(c)}/alerts`, c.token),
  },
  {
    name: "GET /alerts/:id (the participant's)",
    fresh: true,
    expect: [A, X, NF, NF, "200", NF, "200", "200", NF],
    run: async (c) => c.api.get(`/alerts/${await participantAlert(c)}`, c.token),
  },
  {
    name: "POST /alerts/:id/claim (the participant's)",
    fresh: true,
    expect: [A, X, NF, NF, F, NF, "200", "200", NF],
    ability: eventAbility("handleAlerts"),
    run: async (c) => c.api.post(`/alerts/${await participantAlert(c)}/claim`, {}, c.token),
  },
  {
    name: "POST /alerts/:id/resolve false_alarm (the participant's)",
    fresh: true,
    expect: [A, X, NF, NF, "200", NF, "200", "200", NF],
    run: async (c) =>
      c.api.post(`/alerts/${await participantAlert(c)}/resolve`, { outcome: "false_alarm" }, c.token),
  },
  {
    name: "POST /alerts/:id/location (the participant's)",
    fresh: true,
    expect: [A, X, NF, NF, "204", NF, F, F, NF],
    run: async (c) =>
      c.api.post(`/alerts/${await participantAlert(c)}/location`, { lat: 1, lon: 2, accuracyM: 3 }, c.token),
  },

  // targeted talk: direct channels with the organiser, patches of the event's channels
  {
    // The callee belongs to the cell's event only: members share it, nobody else does.
    name: "POST /direct {a member of the event only}",
    fresh: true,
    expect: [A, X, F, F, "201", "201", "201", "201", F],
    run: async (c) => c.api.post("/direct", { userId: (await eventOnlyUser(c)).id }, c.token),
    check: (res) => expect(res.body).toMatchObject({ kind: "direct", peer: { id: expect.any(String) } }),
  },
  {
    name: "POST /events/:id/patches",
    fresh: true,
    expect: [A, X, N, N, F, F, "201", "201", N],
    ability: eventAbility("patch"),
    run: async (c) =>
      c.api.post(`${ev(c)}/patches`, { channelIds: [c.scene.channelId, await secondChannel(c)] }, c.token),
  },
  {
    name: "GET /events/:id/patches",
    expect: [A, X, N, N, "200", "200", "200", "200", N],
    run: (c) => c.api.get(`${ev(c)}/patches`, c.token),
  },
  {
    name: "DELETE /patches/:id",
    fresh: true,
    expect: [A, X, NF, NF, F, F, "204", "204", NF],
    ability: eventAbility("patch"),
    run: async (c) => {
      const body = { channelIds: [c.scene.channelId, await secondChannel(c)] };
      const patch = await must(c.api.post(`${ev(c)}/patches`, body, c.users.organiser.token), 201, "patch");
      return c.api.del(`/patches/${patch.body.id}`, c.token);
    },
  },
];

/** A new user who joins the cell's event and nothing else. */
async function eventOnlyUser(c: Cell): Promise<TestUser> {
  const u = await c.api.user();
  await must(c.api.post("/join", { code: c.scene.eventCode }, u.token), 200, "join");
  return u;
}

/** A second channel in the cell's event, made by its organiser. */
async function secondChannel(c: Cell): Promise<string> {
  const res = await must(
    c.api.post("/channels", { name: "Second", eventId: c.scene.eventId }, c.users.organiser.token),
    201,
    "second channel",
  );
  return res.body.id as string;
}

/** An alert raised by the scene's participant (its own event per fresh cell). */
async function participantAlert(c: Cell): Promise<string> {
  const res = await must(c.api.post(`${ev(c)}/alerts`, {}, c.users.participant.token), 201, "raise");
  return res.body.id as string;
}

// ---------------------------------------------------------------------------------- socket rows

/** Opens a socket as the caller: anonymous sends nothing first; loggedOut presents its token. */
async function socketAs(c: Cell): Promise<Probe | string> {
  const p = await Probe.open(c.t.wsUrl);
  if (c.role === "anonymous") return p;
  p.sendText(JSON.stringify({ type: "auth", token: c.token }));
  await p.until(() => p.inbox.some((m) => m.type === "ready"), 5_000, "ready");
  if (p.closed) return `close:${p.closed.code}`;
  p.inbox.length = 0;
  return p;
}

/** The first reply of one of `types` (or an `error`), or the close code. */
async function reply(p: Probe, types: string[]): Promise<string> {
  const find = () => p.inbox.find((m) => m.type === "error" || types.includes(m.type));
  await p.until(() => find() !== undefined, 5_000, types.join("|"));
  const m = find();
  if (!m) return `close:${p.closed?.code}`;
  p.inbox.splice(p.inbox.indexOf(m), 1);
  if (m.type === "error") return `error:${m.code}`;
  if (m.type === "ptt.denied") return `denied:${m.reason}`;
  return m.type;
}

async function trySubscribe(p: Probe, channelId: string): Promise<string> {
  p.sendText(JSON.stringify({ type: "subscribe", channelId }));
  return reply(p, ["subscribed"]);
}

const SOCKET: SocketRow[] = [
  {
    name: "socket subscribe",
    expect: [
      "close:4400",
      "close:4401",
      "error:not_a_member",
      "error:not_a_member",
      "subscribed",
      "subscribed",
      "subscribed",
      "subscribed",
      "error:not_a_member",
    ],
    run: async (c) => {
      const p = await socketAs(c);
      if (typeof p === "string") return p;
      try {
        return await trySubscribe(p, c.scene.channelId);
      } finally {
        await p.close();
      }
    },
  },
  {
    name: "socket ptt.start (after trying to subscribe)",
    fresh: true,
    expect: [
      "close:4400",
      "close:4401",
      "denied:not_subscribed",
      "denied:not_subscribed",
      "ptt.granted",
      "denied:forbidden",
      "ptt.granted",
      "ptt.granted",
      "denied:not_subscribed",
    ],
    run: async (c) => {
      const p = await socketAs(c);
      if (typeof p === "string") return p;
      try {
        if (c.role !== "anonymous") await trySubscribe(p, c.scene.channelId);
        p.sendText(JSON.stringify({ type: "ptt.start", channelId: c.scene.channelId }));
        return await reply(p, ["ptt.granted", "ptt.denied"]);
      } finally {
        await p.close();
      }
    },
  },
  {
    name: "socket ptt.start scope event (all-call, after trying to subscribe)",
    fresh: true,
    expect: [
      "close:4400",
      "close:4401",
      "denied:not_subscribed",
      "denied:not_subscribed",
      "denied:forbidden",
      "denied:forbidden",
      "denied:forbidden",
      "ptt.granted",
      "denied:not_subscribed",
    ],
    run: async (c) => {
      const p = await socketAs(c);
      if (typeof p === "string") return p;
      try {
        if (c.role !== "anonymous") await trySubscribe(p, c.scene.channelId);
        p.sendText(JSON.stringify({ type: "ptt.start", channelId: c.scene.channelId, scope: "event" }));
        return await reply(p, ["ptt.granted", "ptt.denied"]);
      } finally {
        await p.close();
      }
    },
  },
  {
    name: "socket audio frames to the channel",
    fresh: true,
    expect: [
      "close:4400",
      "close:4401",
      "dropped",
      "dropped",
      "relayed",
      "dropped",
      "relayed",
      "relayed",
      "dropped",
    ],
    run: async (c) => {
      // The extra participant listens; the channel-only member holds the floor for callers who
      // cannot get it themselves, and those callers try to inject frames into that live stream.
      const listener = await Probe.connect(c.t.wsUrl, c.users.extra.token);
      const holder = await Probe.connect(c.t.wsUrl, c.users.channelOnly.token);
      const p = await socketAs(c);
      try {
        for (const s of [listener, holder])
          expect(await trySubscribe(s, c.scene.channelId)).toBe("subscribed");
        if (typeof p === "string") return p;
        let streamId: number | undefined;
        if (c.role !== "anonymous" && (await trySubscribe(p, c.scene.channelId)) === "subscribed") {
          p.sendText(JSON.stringify({ type: "ptt.start", channelId: c.scene.channelId }));
          const answered = () => p.inbox.find((m) => ["ptt.granted", "ptt.denied", "error"].includes(m.type));
          await p.until(() => answered() !== undefined, 5_000, "ptt answer");
          const answer = answered();
          if (answer?.type === "ptt.granted") streamId = answer.streamId as number;
        }
        if (streamId === undefined) {
          // No floor of its own: aim at the holder's live stream.
          holder.sendText(JSON.stringify({ type: "ptt.start", channelId: c.scene.channelId }));
          await holder.until(() => holder.inbox.some((m) => m.type === "ptt.granted"), 5_000, "holder floor");
          const granted = holder.inbox.find((m) => m.type === "ptt.granted");
          expect(granted).toBeDefined();
          const target = granted!.streamId as number;
          const frames = [0, 1, 2].map((i) => encodeAudioFrame(target, i, OPUS_20MS));
          for (const f of frames) p.sendBinary(f);
          if (c.role === "anonymous") {
            await p.until(() => false, 3_000, "close").catch(() => undefined);
            expect(listener.frames.length).toBe(0);
            return `close:${p.closed?.code}`;
          }
          const r = await p.roundTrip('{"type":"pong"}');
          expect(r.replies.map((m) => `${m.type}:${m.code}`)).toContain("error:not_floor_holder");
          await listener.roundTrip('{"type":"pong"}');
          return listener.frames.length === 0 ? "dropped" : `leaked ${listener.frames.length} frames`;
        }
        const frames = [0, 1, 2].map((i) => encodeAudioFrame(streamId!, i, OPUS_20MS));
        for (const f of frames) p.sendBinary(f);
        await eventually(() => listener.frames.length >= 3, 5_000, "3 frames at the listener");
        expect(listener.frames.map((f) => f.toString("hex"))).toEqual(
          frames.map((f) => Buffer.from(f).toString("hex")),
        );
        return "relayed";
      } finally {
        if (typeof p !== "string") await p.close();
        await Promise.all([listener.close(), holder.close()]);
      }
    },
  },
  {
    name: "socket unsubscribe",
    expect: [
      "close:4400",
      "close:4401",
      "unsubscribed",
      "unsubscribed",
      "unsubscribed",
      "unsubscribed",
      "unsubscribed",
      "unsubscribed",
      "unsubscribed",
    ],
    run: async (c) => {
      const p = await socketAs(c);
      if (typeof p === "string") return p;
      try {
        if (c.role !== "anonymous") await trySubscribe(p, c.scene.channelId);
        p.sendText(JSON.stringify({ type: "unsubscribe", channelId: c.scene.channelId }));
        return await reply(p, ["unsubscribed"]);
      } finally {
        await p.close();
      }
    },
  },
];

// ------------------------------------------------------------------------------------- the suite

// Cells are independent (fresh scenes where they change state), so they run a few at a time.
describe.concurrent.each(MODES)("authorisation matrix (%s)", (mode) => {
  let t: TestApp;
  let users: Users;
  let shared: Scene;
  let recordingId: string;

  beforeAll(async () => {
    // One organiser builds a scene (an event and a channel) for every cell of the fresh rows, far
    // more than the per-user creation limits allow; those limits have their own suite.
    t = await startApp(await createBacking(mode, { MAX_EVENTS_PER_USER: "0", MAX_CHANNELS_PER_USER: "0" }));
    const api = t.api;
    const made = await Promise.all(Array.from({ length: 9 }, () => api.user()));
    const [organiser, moderator, participant, listenOnly, removed, other, nonMember, channelOnly, extra] =
      made as [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser, TestUser, TestUser, TestUser];
    const loggedOut = await login(api, participant.username);
    await must(api.post("/auth/logout", undefined, loggedOut.token), 204, "logout");
    users = {
      organiser,
      moderator,
      participant,
      listenOnly,
      removed,
      other,
      nonMember,
      channelOnly,
      extra,
      loggedOut,
    };
    // The non-member belongs to a sibling event and a sibling standalone channel of the organiser.
    const sibling = await buildScene(api, users);
    await must(api.post("/join", { code: sibling.eventCode }, nonMember.token), 200, "sibling event");
    const standalone = await must(
      api.post("/channels", { name: "Sibling" }, organiser.token),
      201,
      "sibling",
    );
    await must(
      api.post("/join", { code: standalone.body.inviteCode }, nonMember.token),
      200,
      "sibling channel",
    );
    shared = await buildScene(api, users);
    // A recording in the shared channel: the organiser transmits 30 frames (600 ms).
    const speaker = await Probe.connect(t.wsUrl, organiser.token);
    expect(await trySubscribe(speaker, shared.channelId)).toBe("subscribed");
    speaker.sendText(JSON.stringify({ type: "ptt.start", channelId: shared.channelId }));
    await speaker.until(() => speaker.inbox.some((m) => m.type === "ptt.granted"), 5_000, "granted");
    const streamId = speaker.inbox.find((m) => m.type === "ptt.granted")!.streamId as number;
    for (let i = 0; i < 30; i++) speaker.sendBinary(encodeAudioFrame(streamId, i, OPUS_20MS, i === 29));
    recordingId = await eventually<string>(
      async () => {
        const h = await api.get(`/channels/${shared.channelId}/messages`, organiser.token);
        return (h.body.messages as { kind: string; recording?: { id: string } }[]).find((m) => m.recording)
          ?.recording?.id as string;
      },
      10_000,
      "the recording",
    );
    await speaker.close();
  });

  afterAll(async () => {
    await t?.close();
  });

  const cellOf = async (role: Role, fresh: boolean): Promise<Cell> => {
    const scene = fresh ? await buildScene(t.api, users) : shared;
    const user =
      role === "anonymous"
        ? undefined
        : role === "loggedOut"
          ? users.participant
          : users[role as keyof Users];
    const token =
      role === "anonymous"
        ? undefined
        : role === "loggedOut"
          ? users.loggedOut.token
          : (user as TestUser).token;
    return { api: t.api, t, users, scene, role, token, user: user as TestUser | undefined, recordingId };
  };

  const restCells = REST.flatMap((row) => ROLES.map((role, i) => ({ row, role, want: row.expect[i]! })));
  it.each(restCells.map((c) => [`${c.row.name} × ${c.role} → ${c.want}`, c] as const))(
    "%s",
    async (_, cell) => {
      const c = await cellOf(cell.role, cell.row.fresh === true);
      const granted = MEMBER_ROLES.includes(cell.role) ? await cell.row.ability?.(c) : undefined;
      const res = await cell.row.run(c);
      expect(problemViolation(res)).toBeNull();
      expect(outcome(res)).toBe(cell.want);
      if (granted !== undefined) expect(res.status < 300, "the policy's ability agrees").toBe(granted);
      if (res.status < 300) await cell.row.check?.(res, c);
    },
  );

  const socketCells = SOCKET.flatMap((row) => ROLES.map((role, i) => ({ row, role, want: row.expect[i]! })));
  it.each(socketCells.map((c) => [`${c.row.name} × ${c.role} → ${c.want}`, c] as const))(
    "%s",
    async (_, cell) => {
      const c = await cellOf(cell.role, cell.row.fresh === true);
      expect(await cell.row.run(c)).toBe(cell.want);
    },
  );
});
