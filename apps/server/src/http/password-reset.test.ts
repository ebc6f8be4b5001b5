/**
 * Password reset codes over REST, on SQLite (one instance) and on MariaDB with Redis (two
 * instances: codes are issued on one and redeemed on the other): who may issue one, what the
 * member list shows, redeeming (signed in, every other session ended), single use, expiry,
 * replacement, one answer for every wrong part, the issuer's later demotion, and the throttle.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacking, MODES, type Res, startApp, type TestApp, type TestUser } from "../test/harness.js";

const NEW_PASSWORD = "a brand new passphrase";

describe.each(MODES)("password reset codes (%s)", (mode) => {
  let one: TestApp;
  let two: TestApp;
  let org: TestUser;
  let otherOrg: TestUser;
  let mod: TestUser;
  let eventId: string;
  let otherEventId: string;

  const issue = (by: TestUser, target: TestUser | { id: string }, event = eventId) =>
    one.api.post(`/events/${event}/members/${target.id}/password-reset`, undefined, by.token);
  const redeem = (login: string, code: string, password = NEW_PASSWORD) =>
    two.api.post("/auth/password-reset", { login, code, password });
  const codeFor = async (target: TestUser, by = org, event = eventId) => {
    const res = await issue(by, target, event);
    expect(res.status).toBe(201);
    return res.body.code as string;
  };
  const expectInvalid = (res: Res) => {
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.body.code).toBe("invalid_reset_code");
  };
  /** A participant of the main event (and of nothing else). */
  const steward = async () => {
    const u = await one.api.user();
    const code = (await one.api.get(`/events/${eventId}`, org.token)).body.inviteCode;
    expect((await one.api.post("/join", { code }, u.token)).status).toBe(200);
    return u;
  };
  const join = async (u: TestUser, event: string, owner: TestUser) => {
    const code = (await one.api.get(`/events/${event}`, owner.token)).body.inviteCode;
    expect((await one.api.post("/join", { code }, u.token)).status).toBe(200);
  };

  beforeAll(async () => {
    // Sign-in's per-login-and-address limit at its default; the rest stay out of the way.
    const backing = await createBacking(mode, { RATE_LOGIN_PER_ACCOUNT_ADDRESS: "5" });
    one = await startApp(backing);
    two = mode === "production" ? await startApp(backing) : one;
    [org, otherOrg] = await Promise.all([one.api.user(), one.api.user()]);
    eventId = (await one.api.post("/events", { name: "Festival" }, org.token)).body.id;
    otherEventId = (await one.api.post("/events", { name: "Market" }, otherOrg.token)).body.id;
    mod = await steward();
    await one.api.patch(`/events/${eventId}/members/${mod.id}`, { role: "moderator" }, org.token);
  });

  afterAll(async () => {
    await one?.close();
    if (two !== one) await two?.close();
  });

  it("decides who may issue a code by the policy, and shows it as a member ability", async () => {
    const plain = await steward();
    const alsoElsewhere = await steward();
    await join(alsoElsewhere, otherEventId, otherOrg);
    const staffElsewhere = await steward();
    await join(staffElsewhere, otherEventId, otherOrg);
    await one.api.patch(
      `/events/${otherEventId}/members/${staffElsewhere.id}`,
      { role: "moderator" },
      otherOrg.token,
    );
    const caller = await steward();

    const outcome = async (by: TestUser, target: { id: string }) => {
      const res = await issue(by, target);
      return res.status < 300 ? res.status : `${res.status} ${res.body.code}`;
    };
    expect(await outcome(org, plain)).toBe(201);
    expect(await outcome(org, alsoElsewhere)).toBe("403 forbidden");
    expect(await outcome(org, staffElsewhere)).toBe("403 forbidden");
    expect(await outcome(org, mod)).toBe("403 forbidden");
    expect(await outcome(org, org)).toBe("403 forbidden");
    expect(await outcome(mod, plain)).toBe("403 forbidden");
    expect(await outcome(caller, plain)).toBe("403 forbidden");
    expect(await outcome(org, otherOrg)).toBe("404 not_found");
    expect(await outcome(org, { id: "00000000-0000-4000-8000-000000000000" })).toBe("404 not_found");
    expect(await outcome(otherOrg, plain)).toBe("403 not_a_member");

    const members = (await one.api.get(`/events/${eventId}/members`, org.token)).body as {
      user: { id: string };
      abilities: { resetPassword: boolean };
    }[];
    const may = (u: TestUser) => members.find((m) => m.user.id === u.id)!.abilities.resetPassword;
    expect([plain, alsoElsewhere, staffElsewhere, mod, org, caller].map(may)).toEqual([
      true,
      false,
      false,
      false,
      false,
      true,
    ]);
    const asModerator = (await one.api.get(`/events/${eventId}/members`, mod.token)).body as typeof members;
    expect(asModerator.every((m) => !m.abilities.resetPassword)).toBe(true);
  });

  it("signs the member in with the new password and ends every other session", async () => {
    const s = await steward();
    const res = await issue(org, s);
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$/);
    const ttl = Date.parse(res.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000);

    // Typed the way it is read aloud: lower case, spaces instead of dashes.
    const typed = res.body.code.toLowerCase().replace(/-/g, " ");
    const signedIn = await redeem(s.username, typed);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.id).toBe(s.id);
    expect((await two.api.get("/me", signedIn.body.accessToken)).status).toBe(200);

    expect((await one.api.post("/auth/refresh", { refreshToken: s.refreshToken })).status).toBe(401);
    expect((await one.api.get("/me", s.token)).status).toBe(401);
    const oldPassword = await one.api.post("/auth/login", {
      login: s.username,
      password: "correct horse battery",
    });
    expect(oldPassword.status).toBe(401);
    const newPassword = await one.api.post("/auth/login", { login: s.username, password: NEW_PASSWORD });
    expect(newPassword.status).toBe(200);

    // Single use.
    expectInvalid(await redeem(s.username, res.body.code, "yet another passphrase"));
  });

  it("gives one answer for a wrong code, a wrong login, an expired or replaced code", async () => {
    const s = await steward();
    const other = await steward();
    const code = await codeFor(s);
    expectInvalid(await redeem(other.username, code));
    expectInvalid(await redeem("nobody-at-all", code));
    expectInvalid(await redeem(s.username, "ABCD-EFGH-JK"));
    expectInvalid(await redeem(s.username, "not a code"));
    // None of those used it up: the member still can.
    expect((await redeem(`${s.username}@example.test`, code)).status).toBe(200);

    const first = await codeFor(s);
    const second = await codeFor(s);
    expectInvalid(await redeem(s.username, first));
    expect((await redeem(s.username, second)).status).toBe(200);

    const expiring = await codeFor(s);
    await one.app.ctx.repos.passwordResets.setExpiry(s.id, Date.now() - 1);
    expectInvalid(await redeem(s.username, expiring));
    expect(await one.app.ctx.repos.passwordResets.find(s.id)).toBeUndefined();
  });

  it("voids a code whose issuer is no longer an organiser", async () => {
    const s = await steward();
    const coOrg = await steward();
    await one.api.patch(`/events/${eventId}/members/${coOrg.id}`, { role: "organiser" }, org.token);
    const code = await codeFor(s, coOrg);
    await one.api.patch(`/events/${eventId}/members/${coOrg.id}`, { role: "participant" }, org.token);
    expectInvalid(await redeem(s.username, code));
    expect(await one.app.ctx.repos.passwordResets.find(s.id)).toBeUndefined();

    // Likewise when the member joined someone else's event after the code was issued.
    const later = await codeFor(s);
    await join(s, otherEventId, otherOrg);
    expectInvalid(await redeem(s.username, later));
  });

  it("refuses a password registration would refuse, and throttles guesses like sign-in", async () => {
    const s = await steward();
    const code = await codeFor(s);
    const short = await redeem(s.username, code, "short");
    expect(short.status).toBe(400);
    expect(short.body.code).toBe("invalid_body");

    const target = await steward();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await redeem(target.username, "ABCD-EFGH-JK")).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    expect((await redeem(s.username, code)).status).toBe(200);
  });
});
