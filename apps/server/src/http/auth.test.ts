/**
 * Accounts and sessions over REST, in both modes: register and login, /me, refresh rotation and
 * reuse detection (RFC 9700), logout revocation, duplicate accounts, login throttling, and
 * access tokens that were tampered with (RFC 8725).
 */
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIENCE, ISSUER } from "../auth/tokens.js";
import { loginSlowdownMs } from "../commands/login.js";
import { MemoryHub } from "../engines/index.js";
import {
  type Backing,
  createBacking,
  eventually,
  MODES,
  type Res,
  startApp,
  TEST_JWT_SECRET,
  type TestApp,
} from "../test/harness.js";

const PASSWORD = "correct horse battery";
/** The slow-down cap of the throttling tests' app. */
const SLOWDOWN_MAX_MS = 600;

function expectProblem(res: Res, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
}

const unique = () => `a${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

describe.each(MODES)("auth (%s)", (mode) => {
  let backing: Backing;
  let t: TestApp;

  beforeAll(async () => {
    backing = await createBacking(mode);
    t = await startApp(backing);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe("register and login", () => {
    it("registers, lower-cases username and email, and logs in by either, case-insensitively", async () => {
      const name = unique();
      const res = await t.api.post("/auth/register", {
        username: `${name.toUpperCase()}`,
        email: `${name.toUpperCase()}@Example.TEST`,
        password: PASSWORD,
        displayName: "Ada Lovelace",
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        user: {
          id: expect.any(String),
          username: name.toLowerCase(),
          email: `${name.toLowerCase()}@example.test`,
          displayName: "Ada Lovelace",
        },
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: expect.any(Number),
      });
      expect(res.body.expiresIn).toBeGreaterThan(0);
      expect(new Date(res.body.user.createdAt).toISOString()).toBe(res.body.user.createdAt);
      expect(res.body.user.password_hash).toBeUndefined();
      expect(res.body.user.passwordHash).toBeUndefined();

      for (const login of [
        name,
        name.toUpperCase(),
        `${name}@example.test`,
        `${name.toUpperCase()}@EXAMPLE.test`,
      ]) {
        const r = await t.api.post("/auth/login", { login, password: PASSWORD });
        expect(r.status, login).toBe(200);
        expect(r.body.user.id).toBe(res.body.user.id);
        expect(r.body.user.email).toBe(`${name.toLowerCase()}@example.test`);
        expect((await t.api.get("/me", r.body.accessToken)).status).toBe(200);
      }
    });

    it("displayName defaults to the username as typed", async () => {
      const name = unique();
      const res = await t.api.post("/auth/register", {
        username: `X${name}`,
        email: `${name}@example.test`,
        password: PASSWORD,
      });
      expect(res.status).toBe(201);
      expect(res.body.user.displayName).toBe(`X${name}`);
    });

    it("rejects a wrong password and an unknown account alike with 401 invalid_credentials", async () => {
      const u = await t.api.user();
      expectProblem(
        await t.api.post("/auth/login", { login: u.username, password: "wrong password" }),
        401,
        "invalid_credentials",
      );
      expectProblem(
        await t.api.post("/auth/login", { login: `nobody${unique()}`, password: PASSWORD }),
        401,
        "invalid_credentials",
      );
      expectProblem(
        await t.api.post("/auth/login", { login: `nobody${unique()}@example.test`, password: PASSWORD }),
        401,
        "invalid_credentials",
      );
    });

    it("a login matches only as typed in ASCII: full-width, accented or invisible variants are not the account", async () => {
      const u = await t.api.user(`olivia${unique()}`);
      const fullWidth = [...u.username].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join("");
      for (const login of [
        fullWidth,
        u.username.replace("o", "ó"),
        `${u.username.slice(0, 3)}\u200b${u.username.slice(3)}`,
        `${u.username}@example.test`.replace("e", "é"),
      ]) {
        // Each variant is a login name of its own (with its own throttle count), so it must not
        // reach the account, or variants would multiply an attacker's allowance.
        expectProblem(
          await t.api.post("/auth/login", { login, password: PASSWORD }),
          401,
          "invalid_credentials",
        );
      }
      expect((await t.api.post("/auth/login", { login: u.username, password: PASSWORD })).status).toBe(200);
    });

    it("duplicate username or email → 409 with distinct codes, whatever the case; nothing created", async () => {
      const u = await t.api.user();
      const other = unique();
      expectProblem(
        await t.api.post("/auth/register", {
          username: u.username.toUpperCase(),
          email: `${other}@example.test`,
          password: PASSWORD,
        }),
        409,
        "username_taken",
      );
      expectProblem(
        await t.api.post("/auth/register", {
          username: other,
          email: `${u.username.toUpperCase()}@EXAMPLE.TEST`,
          password: PASSWORD,
        }),
        409,
        "email_taken",
      );
      // Neither attempt created an account.
      expectProblem(
        await t.api.post("/auth/login", { login: other, password: PASSWORD }),
        401,
        "invalid_credentials",
      );
      // The original account still logs in with its own password.
      expect((await t.api.post("/auth/login", { login: u.username, password: PASSWORD })).status).toBe(200);
    });

    it("concurrent registrations of one username: one 201, the rest 409 username_taken", async () => {
      const name = unique();
      const results = await Promise.all(
        [0, 1, 2].map((i) =>
          t.api.post("/auth/register", {
            username: name,
            email: `${name}${i}@example.test`,
            password: PASSWORD,
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409]);
      for (const r of results.filter((r) => r.status === 409)) expect(r.body.code).toBe("username_taken");
    });
  });

  describe("/me", () => {
    it("returns the caller with email; PATCH changes the display name", async () => {
      const u = await t.api.user();
      const me = await t.api.get("/me", u.token);
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ ...u.user, email: `${u.username}@example.test` });

      const patched = await t.api.patch("/me", { displayName: "  New Name  " }, u.token);
      expect(patched.status).toBe(200);
      expect(patched.body.displayName).toBe("New Name");
      expect((await t.api.get("/me", u.token)).body.displayName).toBe("New Name");

      // An empty patch changes nothing.
      const same = await t.api.patch("/me", {}, u.token);
      expect(same.status).toBe(200);
      expect(same.body.displayName).toBe("New Name");
    });

    it("display names: NFKC, collapsed whitespace; control, format and invisible characters → 400", async () => {
      const u = await t.api.user();
      const patched = await t.api.patch("/me", { displayName: " Ｏｌｉｖｉａ \u3000 (Control) " }, u.token);
      expect(patched.status).toBe(200);
      expect(patched.body.displayName).toBe("Olivia (Control)");

      for (const displayName of [
        "Event\u200bControl",
        "Event\u200dControl",
        "\u202elortnoC tnevE",
        "\u2066Event Control\u2069",
        "\ufeffEvent Control",
        "Event\u0000Control",
        "Event\nControl",
        "Event Control\ud800",
        " \u3000 ",
      ]) {
        const res = await t.api.patch("/me", { displayName }, u.token);
        expectProblem(res, 400, "invalid_body");
        expect(res.body.errors, JSON.stringify(displayName)).toEqual([
          { path: "displayName", message: expect.any(String) },
        ]);
      }
      expect((await t.api.get("/me", u.token)).body.displayName).toBe("Olivia (Control)");

      const name = unique();
      const register = (displayName: string) =>
        t.api.post("/auth/register", {
          username: name,
          email: `${name}@example.test`,
          password: PASSWORD,
          displayName,
        });
      const refused = await register("Olivia\u200b (Control)");
      expectProblem(refused, 400, "invalid_body");
      expect(refused.body.errors).toEqual([{ path: "displayName", message: expect.any(String) }]);
      const created = await register("  Olivia   (Control)");
      expect(created.status).toBe(201);
      expect(created.body.user.displayName).toBe("Olivia (Control)");
    });

    it("needs a bearer token", async () => {
      const res = await t.api.get("/me");
      expectProblem(res, 401, "unauthenticated");
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
      expectProblem(await t.api.patch("/me", { displayName: "x" }), 401, "unauthenticated");
      expectProblem(
        await t.api.req("GET", "/me", { headers: { authorization: "Basic dXNlcjpwYXNz" } }),
        401,
        "invalid_token",
      );
      expectProblem(await t.api.get("/me", "garbage"), 401, "invalid_token");
    });
  });

  describe("refresh", () => {
    it("rotates: the new pair works, the old refresh token stops working", async () => {
      const u = await t.api.user();
      const r1 = await t.api.post("/auth/refresh", { refreshToken: u.refreshToken });
      expect(r1.status).toBe(200);
      expect(r1.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: expect.any(Number),
      });
      expect(r1.body.refreshToken).not.toBe(u.refreshToken);
      expect((await t.api.get("/me", r1.body.accessToken)).body.id).toBe(u.id);

      const r2 = await t.api.post("/auth/refresh", { refreshToken: r1.body.refreshToken });
      expect(r2.status).toBe(200);
      expect((await t.api.get("/me", r2.body.accessToken)).status).toBe(200);
    });

    it("reuse of a used refresh token → 401 refresh_reused and the whole family is revoked", async () => {
      const u = await t.api.user();
      const r1 = await t.api.post("/auth/refresh", { refreshToken: u.refreshToken });
      const r2 = await t.api.post("/auth/refresh", { refreshToken: r1.body.refreshToken });
      expect(r2.status).toBe(200);
      // Another session of the same user must survive.
      const other = await t.api.post("/auth/login", { login: u.username, password: PASSWORD });

      expectProblem(
        await t.api.post("/auth/refresh", { refreshToken: u.refreshToken }),
        401,
        "refresh_reused",
      );

      // Every access token of the family is dead, the current one included …
      for (const token of [u.token, r1.body.accessToken, r2.body.accessToken])
        expectProblem(await t.api.get("/me", token), 401, "invalid_token");
      // … and so is the newest refresh token.
      expectProblem(
        await t.api.post("/auth/refresh", { refreshToken: r2.body.refreshToken }),
        401,
        "invalid_token",
      );

      expect((await t.api.get("/me", other.body.accessToken)).status).toBe(200);
      expect((await t.api.post("/auth/refresh", { refreshToken: other.body.refreshToken })).status).toBe(200);
    });

    it("two concurrent refreshes with one token: one 200, one 401 refresh_reused", async () => {
      const u = await t.api.user();
      const results = await Promise.all([
        t.api.post("/auth/refresh", { refreshToken: u.refreshToken }),
        t.api.post("/auth/refresh", { refreshToken: u.refreshToken }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
      expect(results.find((r) => r.status === 401)!.body.code).toBe("refresh_reused");
    });

    it("an unknown refresh token → 401 invalid_token", async () => {
      expectProblem(await t.api.post("/auth/refresh", { refreshToken: "nope" }), 401, "invalid_token");
    });
  });

  describe("logout", () => {
    it("revokes the access token and the refresh family", async () => {
      const u = await t.api.user();
      const res = await t.api.post("/auth/logout", undefined, u.token);
      expect(res.status).toBe(204);
      expect(res.body).toBe("");
      expectProblem(await t.api.get("/me", u.token), 401, "invalid_token");
      expectProblem(
        await t.api.post("/auth/refresh", { refreshToken: u.refreshToken }),
        401,
        "invalid_token",
      );
      // Logging out twice with the dead token is a 401, not a crash.
      expectProblem(await t.api.post("/auth/logout", undefined, u.token), 401, "invalid_token");
      // The web client sends `{}`.
      const v = await t.api.user();
      expect((await t.api.post("/auth/logout", {}, v.token)).status).toBe(204);
      expectProblem(await t.api.get("/me", v.token), 401, "invalid_token");
    });

    it("with a refresh token of another of my sessions, ends that one too; not someone else's", async () => {
      const u = await t.api.user();
      const second = await t.api.post("/auth/login", { login: u.username, password: PASSWORD });
      const third = await t.api.post("/auth/login", { login: u.username, password: PASSWORD });
      const stranger = await t.api.user();

      expect(
        (await t.api.post("/auth/logout", { refreshToken: second.body.refreshToken }, u.token)).status,
      ).toBe(204);
      expectProblem(await t.api.get("/me", u.token), 401, "invalid_token");
      expectProblem(await t.api.get("/me", second.body.accessToken), 401, "invalid_token");
      expect((await t.api.get("/me", third.body.accessToken)).status).toBe(200);

      expect(
        (await t.api.post("/auth/logout", { refreshToken: stranger.refreshToken }, third.body.accessToken))
          .status,
      ).toBe(204);
      expect((await t.api.get("/me", stranger.token)).status).toBe(200);
      expect((await t.api.post("/auth/refresh", { refreshToken: stranger.refreshToken })).status).toBe(200);
    });

    it("needs authentication", async () => {
      expectProblem(await t.api.post("/auth/logout", {}), 401, "unauthenticated");
    });
  });

  describe("tampered access tokens → 401", () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    let u: Awaited<ReturnType<TestApp["api"]["user"]>>;
    let claims: { sub: string; sid: string };

    beforeAll(async () => {
      u = await t.api.user();
      const payload = JSON.parse(Buffer.from(u.token.split(".")[1]!, "base64url").toString());
      claims = { sub: payload.sub, sid: payload.sid };
    });

    const sign = (
      opts: {
        alg?: string;
        secret?: Uint8Array;
        iss?: string;
        aud?: string;
        exp?: number;
        iat?: number;
        sid?: string | null;
      } = {},
    ) => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT(opts.sid === null ? {} : { sid: opts.sid ?? claims.sid })
        .setProtectedHeader({ alg: opts.alg ?? "HS256", typ: "JWT" })
        .setIssuer(opts.iss ?? ISSUER)
        .setAudience(opts.aud ?? AUDIENCE)
        .setSubject(claims.sub)
        .setJti(crypto.randomUUID())
        .setIssuedAt(opts.iat ?? now)
        .setExpirationTime(opts.exp ?? now + 300);
      return jwt.sign(opts.secret ?? key);
    };

    it("a token the test signs correctly is accepted (so the rejections below mean something)", async () => {
      const res = await t.api.get("/me", await sign());
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(u.id);
    });

    it("alg none, wrong key, other HMAC alg, expired, wrong aud/iss, future iat, missing sid, edited payload", async () => {
      const [h, p] = u.token.split(".") as [string, string, string];
      const payload = JSON.parse(Buffer.from(p, "base64url").toString());
      const cases: Record<string, string> = {
        "alg none": `${b64({ alg: "none", typ: "JWT" })}.${p}.`,
        "alg none, signature kept": `${b64({ alg: "none", typ: "JWT" })}.${u.token.split(".").slice(1).join(".")}`,
        "wrong key": await sign({
          secret: new TextEncoder().encode("another-secret-another-secret-0123456789"),
        }),
        HS512: await sign({ alg: "HS512" }),
        expired: await sign({
          iat: Math.floor(Date.now() / 1000) - 3600,
          exp: Math.floor(Date.now() / 1000) - 600,
        }),
        "wrong aud": await sign({ aud: "someone-else" }),
        "wrong iss": await sign({ iss: "someone-else" }),
        "issued in the future": await sign({
          iat: Math.floor(Date.now() / 1000) + 3600,
          exp: Math.floor(Date.now() / 1000) + 7200,
        }),
        "no sid": await sign({ sid: null }),
        "edited payload": `${h}.${b64({ ...payload, sub: crypto.randomUUID() })}.${u.token.split(".")[2]}`,
        truncated: u.token.slice(0, -3),
        "two parts": `${h}.${p}`,
      };
      for (const [what, token] of Object.entries(cases)) {
        const res = await t.api.get("/me", token);
        expect(res.status, what).toBe(401);
        expect(res.body.code, what).toBe("invalid_token");
      }
      // The real token still works.
      expect((await t.api.get("/me", u.token)).status).toBe(200);
    });
  });

  describe("throttling", () => {
    let limited: TestApp;
    beforeAll(async () => {
      // Own app so these limits do not trip the other tests.
      limited = await startApp(await createBacking(mode), {
        env: {
          RATE_LOGIN_PER_ACCOUNT_ADDRESS: "3",
          RATE_LOGIN_PER_ACCOUNT: "6",
          RATE_LOGIN_SLOWDOWN_MAX_MS: String(SLOWDOWN_MAX_MS),
          RATE_LOGIN_PER_IP: "12",
          RATE_REGISTER_PER_IP: "30",
          RATE_JOIN_PER_USER: "3",
          RATE_MESSAGES_PER_USER: "3",
        },
      });
    });
    afterAll(async () => {
      await limited?.close();
    });

    const loginFrom = async (ip: string, login: string, password: string) => {
      const res = await limited.app.fastify.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        remoteAddress: ip,
        payload: { login, password },
      });
      return { status: res.statusCode, headers: res.headers, body: res.json() } as Res;
    };

    const timedLoginFrom = async (ip: string, login: string, password: string) => {
      const started = performance.now();
      const res = await loginFrom(ip, login, password);
      return { res, ms: performance.now() - started };
    };

    it("per login and address: 3 failures, then 429 with Retry-After from that address, even with the right password", async () => {
      const u = await limited.api.user();
      for (let i = 0; i < 3; i++)
        expectProblem(await loginFrom("10.0.1.1", u.username, "wrong password"), 401, "invalid_credentials");
      const res = await loginFrom("10.0.1.1", u.username, PASSWORD);
      expectProblem(res, 429, "rate_limited");
      const retry = Number(res.headers["retry-after"]);
      expect(Number.isInteger(retry) && retry > 0 && retry <= 15 * 60).toBe(true);
      expectProblem(await loginFrom("10.0.1.1", u.username, "wrong password"), 429, "rate_limited");
      // The owner elsewhere, and another account from the same address, are not affected.
      expect((await loginFrom("10.0.1.2", u.username, PASSWORD)).status).toBe(200);
      const v = await limited.api.user();
      expect((await loginFrom("10.0.1.1", v.username, PASSWORD)).status).toBe(200);
    });

    it("an attacker's failures do not lock the owner out: from another address the owner signs in within the slow-down cap", async () => {
      const u = await limited.api.user();
      // One address hammering the account: refused after 3, and refusals are not counted further.
      for (let i = 0; i < 10; i++)
        expect((await loginFrom("10.0.2.1", u.username, "wrong password")).status).toBe(i < 3 ? 401 : 429);
      expect((await loginFrom("10.0.2.100", u.username, PASSWORD)).status).toBe(200);
      // Many addresses, one failure each: far past the per-login ceiling of 6.
      for (let i = 2; i < 10; i++)
        expectProblem(
          await loginFrom(`10.0.2.${i}`, u.username, "wrong password"),
          401,
          "invalid_credentials",
        );
      const owner = await timedLoginFrom("10.0.2.101", u.username, PASSWORD);
      expect(owner.res.status).toBe(200);
      // Slowed by the cap (600 ms here), not refused for 15 minutes.
      expect(owner.ms).toBeGreaterThanOrEqual(SLOWDOWN_MAX_MS - 5);
      expect(owner.ms).toBeLessThan(SLOWDOWN_MAX_MS + 3_000);
    });

    it("past the per-login ceiling, every attempt waits longer (up to the cap) and none is refused", async () => {
      const u = await limited.api.user();
      const email = `${u.username}@example.test`;
      for (let i = 0; i < 6; i++)
        expectProblem(await loginFrom(`10.0.6.${i}`, email, "wrong password"), 401, "invalid_credentials");
      const waits: number[] = [];
      for (let i = 6; i < 9; i++) {
        const { res, ms } = await timedLoginFrom(`10.0.6.${i}`, email, "wrong password");
        expectProblem(res, 401, "invalid_credentials");
        waits.push(ms);
      }
      for (const [i, ms] of waits.entries())
        expect(ms, `attempt ${7 + i}`).toBeGreaterThanOrEqual(loginSlowdownMs(i + 1, SLOWDOWN_MAX_MS) - 5);
      const owner = await timedLoginFrom("10.0.6.100", email, PASSWORD);
      expect(owner.res.status).toBe(200);
      expect(owner.ms).toBeLessThan(SLOWDOWN_MAX_MS + 3_000);
    });

    it("username/email alternation reveals nothing: a real pair and a made-up pair answer alike", async () => {
      const u = await limited.api.user();
      const fake = `nobody${unique()}`;
      const sequence = async (ip: string, username: string, email: string) => {
        const seen: string[] = [];
        for (let i = 0; i < 8; i++) {
          const res = await loginFrom(ip, i % 2 ? email : username, "wrong password");
          seen.push(`${res.status} ${res.body.code}${res.headers["retry-after"] ? " retry-after" : ""}`);
        }
        return seen;
      };
      const email = `${u.username}@example.test`;
      const real = await sequence("10.0.7.1", u.username, email);
      const made = await sequence("10.0.7.2", fake, `${fake}@example.test`);
      // The real account as its username with a made-up email, and the other way round.
      const mixed = await sequence("10.0.7.3", u.username, `${fake}@example.test`);
      const mixed2 = await sequence("10.0.7.4", fake, email.toUpperCase());
      expect(made).toEqual(real);
      expect(mixed).toEqual(real);
      expect(mixed2).toEqual(real);
      expect(real.slice(-1)[0]).toBe("429 rate_limited retry-after");
    });

    it("a login counts as one whatever its case and surrounding spaces", async () => {
      const u = await limited.api.user();
      const logins = [u.username, u.username.toUpperCase(), ` ${u.username} `];
      for (const login of logins)
        expectProblem(await loginFrom("10.0.8.1", login, "wrong password"), 401, "invalid_credentials");
      expectProblem(await loginFrom("10.0.8.1", u.username.toUpperCase(), PASSWORD), 429, "rate_limited");
    });

    it("a successful login resets that address's count for that login", async () => {
      const u = await limited.api.user();
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 2; i++)
          expectProblem(
            await loginFrom("10.0.3.1", u.username, "wrong password"),
            401,
            "invalid_credentials",
          );
        expect((await loginFrom("10.0.3.1", u.username, PASSWORD)).status).toBe(200);
      }
    });

    it("registrations per address: 429 with Retry-After", async () => {
      const taken = await limited.api.user();
      const registerFrom = async (ip: string) => {
        const res = await limited.app.fastify.inject({
          method: "POST",
          url: "/api/v1/auth/register",
          remoteAddress: ip,
          payload: { username: taken.username, email: `x${unique()}@example.test`, password: PASSWORD },
        });
        return { status: res.statusCode, headers: res.headers, body: res.json() } as Res;
      };
      // Failed registrations count too (no argon2 work is spent on them: the name is taken).
      for (let i = 0; i < 30; i++) expectProblem(await registerFrom("10.0.5.1"), 409, "username_taken");
      const res = await registerFrom("10.0.5.1");
      expectProblem(res, 429, "rate_limited");
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expectProblem(await registerFrom("10.0.5.2"), 409, "username_taken");
    });

    it("joins and messages per user: 429 with Retry-After", async () => {
      const [o, u] = await Promise.all([limited.api.user(), limited.api.user()]);
      const ev = (await limited.api.post("/events", { name: "E" }, o.token)).body;
      const ch = (await limited.api.post("/channels", { name: "C", eventId: ev.id }, o.token)).body;
      for (let i = 0; i < 3; i++)
        expect((await limited.api.post("/join", { code: ev.inviteCode }, u.token)).status).toBe(200);
      const join = await limited.api.post("/join", { code: ev.inviteCode }, u.token);
      expectProblem(join, 429, "rate_limited");
      expect(Number(join.headers["retry-after"])).toBeGreaterThan(0);
      // Guessing codes counts as much as using a good one.
      expectProblem(await limited.api.post("/join", { code: "ZZZZZZZZ" }, u.token), 429, "rate_limited");
      expect((await limited.api.post("/join", { code: ev.inviteCode }, o.token)).status).toBe(200);

      for (let i = 0; i < 3; i++)
        expect(
          (await limited.api.post(`/channels/${ch.id}/messages`, { body: "x", clientId: `m${i}` }, u.token))
            .status,
        ).toBe(201);
      const post = await limited.api.post(
        `/channels/${ch.id}/messages`,
        { body: "x", clientId: "m9" },
        u.token,
      );
      expectProblem(post, 429, "rate_limited");
      expect(Number(post.headers["retry-after"])).toBeGreaterThan(0);
      // A retry of an accepted message (same clientId) is still answered: it is not a new post.
      const retry = await limited.api.post(
        `/channels/${ch.id}/messages`,
        { body: "x", clientId: "m0" },
        u.token,
      );
      expect(retry.status).toBe(200);
      expect((await limited.api.get(`/channels/${ch.id}/messages`, u.token)).body.messages).toHaveLength(3);
      expect(
        (await limited.api.post(`/channels/${ch.id}/messages`, { body: "y", clientId: "o1" }, o.token))
          .status,
      ).toBe(201);
    });

    it("per address, across accounts: 429 with Retry-After; other addresses unaffected", async () => {
      const ip = "10.0.4.1";
      for (let i = 0; i < 12; i++)
        expectProblem(
          await loginFrom(ip, `nobody${i}${unique()}`, "wrong password"),
          401,
          "invalid_credentials",
        );
      const u = await limited.api.user();
      const res = await loginFrom(ip, u.username, PASSWORD);
      expectProblem(res, 429, "rate_limited");
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect((await loginFrom("10.0.4.2", u.username, PASSWORD)).status).toBe(200);
    });
  });
});

describe.each(MODES)("sessions across two instances (%s)", (mode) => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const backing = await createBacking(mode);
    // Embedded instances in one process share their engines through one hub.
    const hub = mode === "embedded" ? new MemoryHub() : undefined;
    a = await startApp(backing, { hub });
    b = await startApp(backing, { hub });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  const rejected = async (app: TestApp, token: string) => (await app.api.get("/me", token)).status === 401;

  it("logout on one instance revokes the session on the other", async () => {
    const u = await a.api.user();
    expect((await b.api.get("/me", u.token)).status).toBe(200);
    expect((await a.api.post("/auth/logout", {}, u.token)).status).toBe(204);
    await eventually(() => rejected(b, u.token), 5_000, "the other instance to reject the token");
    expectProblem(await b.api.post("/auth/refresh", { refreshToken: u.refreshToken }), 401, "invalid_token");
  });

  it("refresh reuse seen by one instance revokes the family's tokens on both", async () => {
    const u = await a.api.user();
    const r1 = await a.api.post("/auth/refresh", { refreshToken: u.refreshToken });
    expect((await b.api.get("/me", r1.body.accessToken)).status).toBe(200);
    expectProblem(await b.api.post("/auth/refresh", { refreshToken: u.refreshToken }), 401, "refresh_reused");
    await eventually(() => rejected(a, r1.body.accessToken), 5_000, "instance A to reject the current token");
    await eventually(() => rejected(b, r1.body.accessToken), 5_000, "instance B to reject the current token");
    expectProblem(
      await a.api.post("/auth/refresh", { refreshToken: r1.body.refreshToken }),
      401,
      "invalid_token",
    );
  });
});
