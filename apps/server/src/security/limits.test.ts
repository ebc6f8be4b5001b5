/**
 * Rate limits, sizes, security headers, CORS and log hygiene.
 *
 * REST limits run with low limits from the environment in both modes (Redis and memory rate
 * limiters); socket limits, headers and CORS in production mode; the log test runs the real
 * server process (main.ts, its own logger and redaction) at level trace and reads everything
 * it writes.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { CLOSE, encodeAudioFrame, LIMITS } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backing, createBacking, eventually, MODES, startApp, type TestApp } from "../test/harness.js";
import { sleep } from "../test/wait.js";
import { OPUS_20MS, Probe, problemViolation } from "./support.js";

const PASSWORD = "correct horse battery";

const LOW = {
  RATE_REGISTER_PER_IP: "3",
  RATE_LOGIN_PER_ACCOUNT: "3",
  RATE_LOGIN_PER_ACCOUNT_ADDRESS: "3",
  RATE_LOGIN_SLOWDOWN_MAX_MS: "300",
  RATE_LOGIN_PER_IP: "5",
  RATE_MESSAGES_PER_USER: "5",
  RATE_JOIN_PER_USER: "5",
};

let ipCounter = 0;
/** A fresh client address per call, so limits keyed by address start from zero. */
const nextIp = () => `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`;

function expect429(res: { status: number; headers: Record<string, unknown>; body: unknown }) {
  expect(res.status).toBe(429);
  expect(problemViolation(res as never)).toBeNull();
  expect((res.body as { code: string }).code).toBe("rate_limited");
  const retry = Number(res.headers["retry-after"]);
  expect(Number.isInteger(retry) && retry >= 1).toBe(true);
}

describe.each(MODES)("REST rate limits (%s)", (mode) => {
  let t: TestApp;
  const post = async (url: string, body: unknown, opts: { ip?: string; token?: string } = {}) => {
    const res = await t.app.fastify.inject({
      method: "POST",
      url: `/api/v1${url}`,
      remoteAddress: opts.ip ?? "127.0.0.1",
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      payload: body as object,
    });
    const parsed = res.body ? JSON.parse(res.body) : undefined;
    return { status: res.statusCode, body: parsed, headers: res.headers as Record<string, unknown> };
  };
  const register = (name: string, ip = nextIp()) =>
    post("/auth/register", { username: name, email: `${name}@example.test`, password: PASSWORD }, { ip });
  let n = 0;
  const uname = () => `lim${process.pid}_${mode[0]}${++n}`;

  beforeAll(async () => {
    t = await startApp(await createBacking(mode, LOW));
  });
  afterAll(async () => {
    await t?.close();
  });

  it("registration: 3 per address, then 429 with Retry-After; another address is unaffected", async () => {
    const ip = nextIp();
    for (let i = 0; i < 3; i++) expect((await register(uname(), ip)).status).toBe(201);
    const name = uname();
    expect429(await register(name, ip));
    // The refused registration wrote nothing: the name is still free.
    expect((await register(name)).status).toBe(201);
  });

  it("login per login name and address: 3 failures, then 429 there even with the right password; elsewhere the owner signs in", async () => {
    const name = uname();
    expect((await register(name)).status).toBe(201);
    const ip = nextIp();
    for (let i = 0; i < 3; i++)
      expect((await post("/auth/login", { login: name, password: "wrong password" }, { ip })).status).toBe(
        401,
      );
    expect429(await post("/auth/login", { login: name, password: PASSWORD }, { ip }));
    // Past the per-login ceiling (3 here) from many addresses: slowed, never refused.
    for (let i = 0; i < 3; i++)
      expect(
        (await post("/auth/login", { login: name, password: "wrong password" }, { ip: nextIp() })).status,
      ).toBe(401);
    expect((await post("/auth/login", { login: name, password: PASSWORD }, { ip: nextIp() })).status).toBe(
      200,
    );
    // The email is a login name of its own: the username's failures do not show on it.
    expect(
      (await post("/auth/login", { login: `${name}@example.test`, password: PASSWORD }, { ip })).status,
    ).toBe(200);
  });

  it("login per address: 5 attempts across accounts, then 429; other addresses still log in", async () => {
    const names = [uname(), uname()];
    for (const name of names) expect((await register(name)).status).toBe(201);
    const ip = nextIp();
    for (let i = 0; i < 5; i++)
      expect((await post("/auth/login", { login: `nobody${i}`, password: "x" }, { ip })).status).toBe(401);
    expect429(await post("/auth/login", { login: names[0], password: PASSWORD }, { ip }));
    expect(
      (await post("/auth/login", { login: names[1], password: PASSWORD }, { ip: nextIp() })).status,
    ).toBe(200);
  });

  it("message posting: 5 per user per window, then 429 and nothing written", async () => {
    const name = uname();
    const token = (await register(name)).body.accessToken as string;
    const ch = await post("/channels", { name: "Limits" }, { token });
    const url = `/channels/${ch.body.id}/messages`;
    for (let i = 0; i < 5; i++)
      expect((await post(url, { body: `m${i}`, clientId: `c${i}` }, { token })).status).toBe(201);
    expect429(await post(url, { body: "one too many", clientId: "c5" }, { token }));
    const history = await t.api.get(`${url}?limit=50`, token);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual([
      "m0",
      "m1",
      "m2",
      "m3",
      "m4",
    ]);
  });

  it("invite-code guessing (POST /join): 5 guesses, then 429 even for the right code", async () => {
    const owner = (await register(uname())).body.accessToken as string;
    const guesser = (await register(uname())).body.accessToken as string;
    const ev = await post("/events", { name: "Secret" }, { token: owner });
    const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    for (let i = 0; i < 5; i++) {
      const code = Array.from({ length: 8 }, (_, j) => alphabet[(i * 7 + j * 3) % alphabet.length]).join("");
      const res = await post("/join", { code }, { token: guesser });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("invalid_code");
    }
    expect429(await post("/join", { code: ev.body.inviteCode }, { token: guesser }));
    expect((await t.api.get(`/events/${ev.body.id}`, guesser)).status).toBe(403);
  });
});

describe("socket limits, headers and CORS (production)", () => {
  let backing: Backing;
  let t: TestApp;
  let token: string;
  let channelId: string;
  const ORIGIN = "https://ops.example.test";

  beforeAll(async () => {
    backing = await createBacking("production", { CORS_ORIGINS: ORIGIN });
    t = await startApp(backing);
    const u = await t.api.user();
    token = u.token;
    channelId = (await t.api.post("/channels", { name: "Flood" }, token)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function speaker(): Promise<{ p: Probe; streamId: number }> {
    const p = await Probe.connect(t.wsUrl, token);
    p.sendText(JSON.stringify({ type: "subscribe", channelId }));
    p.sendText(JSON.stringify({ type: "ptt.start", channelId }));
    await eventually(
      () => p.inbox.some((m) => m.type === "ptt.granted" || m.type === "ptt.denied"),
      5_000,
      "ptt answer",
    );
    const granted = p.inbox.find((m) => m.type === "ptt.granted");
    expect(granted).toBeDefined();
    return { p, streamId: granted!.streamId as number };
  }

  it("a text-message flood closes the socket 4429", async () => {
    const p = await Probe.connect(t.wsUrl, token);
    for (let i = 0; i < 200 && !p.closed; i++) p.sendText('{"type":"ping"}');
    await p.until(() => false, 5_000, "close").catch(() => undefined);
    expect(p.closed?.code).toBe(CLOSE.rateLimited);
    // Answered at most the burst before it was cut off.
    expect(p.inbox.filter((m) => m.type === "pong").length).toBeLessThanOrEqual(64);
  });

  it("an audio burst far beyond 150 frames closes the socket 4429", async () => {
    const { p, streamId } = await speaker();
    for (let i = 0; i < 400; i++) p.sendBinary(encodeAudioFrame(streamId, i, OPUS_20MS));
    await p.until(() => false, 5_000, "close").catch(() => undefined);
    expect(p.closed?.code).toBe(CLOSE.rateLimited);
  });

  it("a sustained 300 frames/s (4× real time) is closed 4429 within a few seconds", async () => {
    const { p, streamId } = await speaker();
    const t0 = performance.now();
    for (let i = 0; i < 1_500 && !p.closed; i++) {
      p.sendBinary(encodeAudioFrame(streamId, i, OPUS_20MS));
      const wait = t0 + (i + 1) * (1000 / 300) - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await p.until(() => false, 2_000, "close").catch(() => undefined);
    expect(p.closed?.code).toBe(CLOSE.rateLimited);
  });

  it("a real-time speaker (50 frames/s for 4 s) is not limited", async () => {
    const { p, streamId } = await speaker();
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) {
      p.sendBinary(encodeAudioFrame(streamId, i, OPUS_20MS));
      const wait = t0 + (i + 1) * 20 - performance.now();
      if (wait > 0) await sleep(wait);
    }
    p.sendText(JSON.stringify({ type: "ptt.stop", channelId }));
    await p.until(() => p.inbox.some((m) => m.type === "ptt.stopped"), 5_000, "ptt.stopped");
    expect(p.closed).toBeNull();
    await p.close();
  });

  it("a frame over 64 KiB closes the socket 1009, text or binary", async () => {
    for (const big of [
      `{"type":"ping","x":"${"x".repeat(LIMITS.socketFrameMax)}"}`,
      new Uint8Array(LIMITS.socketFrameMax + 1),
    ]) {
      const p = await Probe.connect(t.wsUrl, token);
      if (typeof big === "string") p.sendText(big);
      else p.sendBinary(big);
      await p.until(() => false, 5_000, "close").catch(() => undefined);
      expect(p.closed?.code).toBe(CLOSE.tooLarge);
    }
  });

  it("a text message over 16 KiB (under 64 KiB) is refused with an error, the socket stays", async () => {
    const p = await Probe.connect(t.wsUrl, token);
    const r = await p.roundTrip(`{"type":"ping","x":"${"x".repeat(LIMITS.socketTextMax)}"}`);
    expect(r.replies.map((m) => `${m.type}:${m.code}`)).toEqual(["error:invalid_message"]);
    expect(p.closed).toBeNull();
    await p.close();
  });

  it("security headers on pages, API answers and errors", async () => {
    for (const path of ["/healthz", "/api/v1/me", "/api/v1/nope", "/openapi.json"]) {
      const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const h = res.headers;
      const csp = h.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'self'");
      expect(h.get("x-content-type-options"), path).toBe("nosniff");
      expect(h.get("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(h.get("strict-transport-security"), path).toMatch(/max-age=\d+/);
      expect(h.get("referrer-policy"), path).toBe("no-referrer");
      expect(h.get("cross-origin-opener-policy"), path).toBe("same-origin");
      expect(h.get("x-powered-by"), path).toBeNull();
    }
  });

  it("CORS: the allow-listed origin gets Access-Control-Allow-Origin, a foreign one does not", async () => {
    const preflight = (origin: string) =>
      fetch(`${t.url}/api/v1/me`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "PATCH",
          "access-control-request-headers": "authorization,content-type",
        },
      });
    const ok = await preflight(ORIGIN);
    expect(ok.status).toBeLessThan(300);
    expect(ok.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(ok.headers.get("access-control-allow-methods") ?? "").toContain("PATCH");
    const bad = await preflight("https://evil.example");
    expect(bad.headers.get("access-control-allow-origin")).toBeNull();
    const get = await fetch(`${t.url}/api/v1/me`, {
      headers: { origin: "https://evil.example", authorization: `Bearer ${token}` },
    });
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
    const mine = await fetch(`${t.url}/api/v1/me`, {
      headers: { origin: ORIGIN, authorization: `Bearer ${token}` },
    });
    expect(mine.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  it("WebSocket upgrade: a foreign Origin is refused, the allow-listed and same-host ones are not", async () => {
    await expect(Probe.open(t.wsUrl, { origin: "https://evil.example" })).rejects.toThrow(/403/);
    await expect(Probe.open(t.wsUrl, { origin: "null" })).rejects.toThrow(/403/);
    for (const origin of [ORIGIN, t.url]) {
      const p = await Probe.open(t.wsUrl, { origin });
      p.sendText(JSON.stringify({ type: "auth", token }));
      await p.until(() => p.inbox.some((m) => m.type === "ready"), 5_000, "ready");
      expect(p.closed).toBeNull();
      await p.close();
    }
  });
});

// ----------------------------------------------------------------------------- log hygiene

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

describe("no token or password in the logs (real server process, LOG_LEVEL=trace)", () => {
  it("register, login, refresh, reuse, logout and socket auth leave no secret in any log line", async () => {
    const backing = await createBacking("production");
    const port = await freePort();
    const main = resolve(import.meta.dirname, "../../dist/main.js");
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, ...backing.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "trace" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => out.push(d));
    const base = `http://127.0.0.1:${port}`;
    const secrets: string[] = [];
    try {
      await eventually(async () => (await fetch(`${base}/readyz`)).ok, 20_000, "server ready");
      const call = async (method: string, path: string, body?: unknown, tok?: string) => {
        const res = await fetch(`${base}/api/v1${path}`, {
          method,
          headers: {
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
            ...(tok ? { authorization: `Bearer ${tok}` } : {}),
          },
          body: body !== undefined ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      };
      const password = `Pw-${Date.now()}-Zq9!secret`;
      const username = `logs${process.pid}${Date.now() % 100_000}`;
      secrets.push(password);
      const reg = await call("POST", "/auth/register", {
        username,
        email: `${username}@example.test`,
        password,
      });
      expect(reg.status).toBe(201);
      secrets.push(reg.body.accessToken, reg.body.refreshToken);
      // A wrong password and an invalid body that carries a password.
      expect(
        (await call("POST", "/auth/login", { login: username, password: `${password}-wrong` })).status,
      ).toBe(401);
      secrets.push(`${password}-wrong`);
      expect(
        (await call("POST", "/auth/register", { username: "x", email: "bad", password: `${password}-short` }))
          .status,
      ).toBe(400);
      secrets.push(`${password}-short`);
      const login = await call("POST", "/auth/login", { login: username, password });
      expect(login.status).toBe(200);
      secrets.push(login.body.accessToken, login.body.refreshToken);
      const refreshed = await call("POST", "/auth/refresh", { refreshToken: login.body.refreshToken });
      expect(refreshed.status).toBe(200);
      secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
      // Reusing the rotated token revokes the family.
      expect((await call("POST", "/auth/refresh", { refreshToken: login.body.refreshToken })).status).toBe(
        401,
      );
      // Socket auth: good token, then a bad one (closed 4401).
      const ws = await Probe.connect(`ws://127.0.0.1:${port}/api/v1/realtime`, reg.body.accessToken);
      const forged = `${reg.body.accessToken.slice(0, -4)}AAAA`;
      secrets.push(forged);
      const bad = await Probe.open(`ws://127.0.0.1:${port}/api/v1/realtime`);
      bad.sendText(JSON.stringify({ type: "auth", token: forged }));
      await bad.until(() => false, 5_000, "close").catch(() => undefined);
      expect(bad.closed?.code).toBe(4401);
      // Logout with the refresh token in the body; the socket of that session is closed.
      expect(
        (await call("POST", "/auth/logout", { refreshToken: reg.body.refreshToken }, reg.body.accessToken))
          .status,
      ).toBe(204);
      await ws.until(() => false, 5_000, "close").catch(() => undefined);
      expect(ws.closed?.code).toBe(4401);
      // A request with the revoked token, which is logged as a 401.
      expect((await call("GET", "/me", undefined, reg.body.accessToken)).status).toBe(401);
    } finally {
      await new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
      });
    }
    const log = Buffer.concat(out).toString("utf8");
    const lines = log.split("\n").filter(Boolean);
    // The logger did run at trace: requests were logged, headers included.
    expect(lines.length).toBeGreaterThan(20);
    expect(log).toContain("/api/v1/auth/login");
    for (const s of secrets) {
      const hit = lines.find((l) => l.includes(s));
      expect(hit, `secret ${s.slice(0, 12)}… found in: ${hit?.slice(0, 300)}`).toBeUndefined();
      // Nor the signature part of a JWT, which identifies it as well as the whole token.
      const sig = s.split(".")[2];
      if (sig && sig.length > 20) expect(lines.find((l) => l.includes(sig))).toBeUndefined();
    }
  }, 60_000);
});
