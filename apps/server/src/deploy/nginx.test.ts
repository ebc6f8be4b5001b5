/**
 * deploy/nginx.conf, for real: Debian's nginx runs that file (upstream addresses, listen port and
 * file paths rewritten) in front of two production instances sharing one MariaDB database and one
 * Redis, and REST, a WebSocket and audio relay between clients on different instances all go
 * through it; a made-up X-Forwarded-For must not escape the registration limit, and the
 * operator-only paths must refuse an outside address however they are spelt. Runs as root
 * without touching /var: pid, logs and temp paths live in a temp prefix.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { encodeAudioFrame } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../../scripts/services.mjs";
import {
  type Backing,
  createBacking,
  eventually,
  http,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";
import { sleep } from "../test/wait.js";

const NGINX = "/usr/sbin/nginx";
const DEPLOY_CONF = resolve(import.meta.dirname, "../../../../deploy/nginx.conf");
/** A valid 20 ms CELT silence packet (RFC 6716 TOC 0xf8: fullband, 20 ms, mono, one frame). */
const OPUS_SILENCE = new Uint8Array([0xf8, 0xff, 0xfe]);
/** Registrations per client address per hour on the instances behind nginx. */
const REGISTER_LIMIT = 5;
/**
 * A client outside the operator network. deploy/nginx.conf allows 127.0.0.1 and ::1, not all of
 * 127.0.0.0/8, so a connection from 127.0.0.2 (loopback on Linux, no set-up) is an outsider.
 */
const OUTSIDER = "127.0.0.2";
/** Paths that only the operator network may reach, in the spellings a client might try. */
const OPERATOR_ONLY = [
  "/metrics",
  "/metrics/",
  "/metrics?x=1",
  "/metrics;x",
  "/METRICS",
  "/Metrics/",
  "//metrics",
  "/x/../metrics",
  "/%6Detrics",
  "/readyz",
  "/readyz/",
  "/api/v1/readyz",
  "/api/v1/readyz/",
  "/docs",
  "/docs/",
  "/docs/static/index.html",
  "/openapi.json",
  "/api/v1/openapi.json",
];

/**
 * Turns deploy/nginx.conf into a config for this test: the `server appN:8000 …;` lines become
 * one line per local instance (same parameters), `listen 80;` becomes the test port, and pid,
 * logs and temp files move under `dir`. Throws when a line it rewrites is not there, so a change
 * to deploy/nginx.conf cannot silently stop being tested.
 */
export function renderNginxConfig(
  source: string,
  opts: { upstreams: string[]; listen: string; dir: string },
): string {
  const replaceOnce = (text: string, re: RegExp, by: string, what: string) => {
    const hits = text.match(new RegExp(re.source, `${re.flags.replace("g", "")}g`))?.length ?? 0;
    if (hits !== 1) throw new Error(`deploy/nginx.conf: expected one ${what}, found ${hits}`);
    return text.replace(re, by);
  };
  const serverLine = /^([ \t]*)server\s+app\d+:8000([^;]*);[ \t]*\n/gm;
  const servers = [...source.matchAll(serverLine)];
  if (servers.length < 2) throw new Error("deploy/nginx.conf: expected `server appN:8000` upstream lines");
  const [indent, params] = [servers[0]![1]!, servers[0]![2]!];
  let first = true;
  let out = source.replace(serverLine, () => {
    if (!first) return "";
    first = false;
    return opts.upstreams.map((u) => `${indent}server ${u}${params};\n`).join("");
  });
  out = replaceOnce(out, /^([ \t]*)listen\s+80;/m, `$1listen ${opts.listen};`, "`listen 80;`");
  out = replaceOnce(out, /^pid\s+[^;]+;/m, `pid ${opts.dir}/nginx.pid;`, "`pid`");
  out = replaceOnce(out, /^error_log\s+[^;]+;/m, `error_log ${opts.dir}/error.log warn;`, "`error_log`");
  out = replaceOnce(
    out,
    /^([ \t]*)access_log\s+\S+(\s+\w+)?;/m,
    `$1access_log ${opts.dir}/access.log$2;`,
    "`access_log`",
  );
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((t) => `  ${t}_temp_path ${opts.dir}/${t}_temp;`)
    .join("\n");
  return replaceOnce(out, /^http\s*\{/m, `http {\n${temp}`, "`http {`");
}

async function waitForPort(port: number, child: ChildProcess, logFile: string): Promise<void> {
  await eventually(
    () =>
      new Promise<boolean>((resolveConnect, reject) => {
        if (child.exitCode !== null) {
          const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
          reject(new Error(`nginx exited with ${child.exitCode}: ${log}`));
          return;
        }
        const s = net.connect(port, "127.0.0.1");
        s.once("connect", () => {
          s.destroy();
          resolveConnect(true);
        });
        s.once("error", () => resolveConnect(false));
      }),
    10_000,
    `nginx to listen on ${port}`,
  );
}

describe("nginx (deploy/nginx.conf) in front of two production instances", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let dir: string;
  let nginx: ChildProcess | undefined;
  let base: string;
  let port: number;
  let wsUrl: string;
  let alice: TestUser;
  let bob: TestUser;
  let channelId: string;
  const open: WsClient[] = [];

  /** Opens a socket through nginx and tells which instance it landed on. */
  const connectThroughNginx = async (token: string) => {
    const before = [one.app.realtime.connectionCount, two.app.realtime.connectionCount];
    // A browser sends Origin; nginx must pass Host with the port so the Origin check holds.
    const c = await WsClient.open(wsUrl, { origin: base });
    open.push(c);
    c.send({ type: "auth", token });
    await c.next("ready");
    const landed = await eventually(() => {
      if (one.app.realtime.connectionCount > before[0]!) return one;
      if (two.app.realtime.connectionCount > before[1]!) return two;
      return null;
    });
    return { c, landed };
  };

  /** GET through nginx, sent from `from`; the path goes out exactly as written. */
  const get = (path: string, from = "127.0.0.1") =>
    new Promise<{ status: number; body: string }>((resolveGet, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path, localAddress: from }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () => resolveGet({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });

  beforeAll(async () => {
    if (!existsSync(NGINX))
      throw new Error(
        `${NGINX} is missing: run \`npm test\` (it installs Debian's nginx) or apt-get install nginx`,
      );
    // As deploy/docker-compose.yml runs them: behind one proxy hop.
    backing = await createBacking("production", {
      TRUST_PROXY: "true",
      RATE_REGISTER_PER_IP: String(REGISTER_LIMIT),
    });
    one = await startApp(backing);
    two = await startApp(backing);

    dir = mkdtempSync(join(tmpdir(), "won-nginx-"));
    // Workers run unprivileged when nginx starts as root: they must reach the temp dirs.
    chmodSync(dir, 0o755);
    port = await freePort();
    const upstreams = [one.url, two.url].map((u) => new URL(u).host);
    const conf = renderNginxConfig(readFileSync(DEPLOY_CONF, "utf8"), {
      upstreams,
      listen: `127.0.0.1:${port}`,
      dir,
    });
    writeFileSync(join(dir, "nginx.conf"), conf);
    nginx = spawn(
      NGINX,
      ["-p", `${dir}/`, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf"), "-g", "daemon off;"],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    nginx.stderr?.on("data", (d) => {
      stderr += d;
    });
    try {
      await waitForPort(port, nginx, join(dir, "error.log"));
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${stderr}`);
    }
    base = `http://127.0.0.1:${port}`;
    wsUrl = `ws://127.0.0.1:${port}/api/v1/realtime`;
  });

  afterAll(async () => {
    for (const c of open) c.close();
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once("exit", r));
      nginx.kill("SIGQUIT");
      const t = setTimeout(() => nginx!.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    }
    await one?.close();
    await two?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves REST through nginx, spread over both instances", async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { broker: boolean }).broker).toBe(true);

    const register = async (username: string): Promise<TestUser> => {
      const res = await http(base, "POST", "/auth/register", {
        username,
        email: `${username}@example.test`,
        password: "correct horse battery",
      });
      expect(res.status).toBe(201);
      const b = res.body;
      return { id: b.user.id, username, token: b.accessToken, refreshToken: b.refreshToken, user: b.user };
    };
    const suffix = Math.random().toString(36).slice(2, 8);
    alice = await register(`alice_${suffix}`);
    bob = await register(`bob_${suffix}`);

    const ch = await http(base, "POST", "/channels", { name: "Front of house" }, alice.token);
    expect(ch.status).toBe(201);
    channelId = ch.body.id;
    const join = await http(base, "POST", "/join", { code: ch.body.inviteCode }, bob.token);
    expect(join.status).toBe(200);
    expect(join.body.channel.id).toBe(channelId);

    // Sequential requests alternate between the instances (least_conn ties go round-robin);
    // every one of them sees the same database.
    for (let i = 0; i < 6; i++) {
      const me = await http(base, "GET", "/me", undefined, i % 2 ? alice.token : bob.token);
      expect(me.status).toBe(200);
    }
    const served = async (app: TestApp) => {
      const text = await (await fetch(`${app.url}/metrics`)).text();
      return text
        .split("\n")
        .filter((l) =>
          l.startsWith('won_http_request_duration_seconds_count{method="GET",route="/api/v1/me"'),
        )
        .reduce((n, l) => n + Number(l.split(" ").at(-1)), 0);
    };
    expect(await served(one)).toBeGreaterThan(0);
    expect(await served(two)).toBeGreaterThan(0);

    // Errors come back as problem+json, untouched by the proxy.
    const missing = await http(
      base,
      "GET",
      "/channels/00000000-0000-4000-8000-000000000000",
      undefined,
      bob.token,
    );
    expect(missing.status).toBe(404);
    expect(missing.headers["content-type"]).toContain("application/problem+json");
    expect(missing.body.code).toBe("not_found");
  });

  it("upgrades a WebSocket through nginx: auth, subscribe, and a REST post arrives live", async () => {
    const { c } = await connectThroughNginx(bob.token);
    const sub = await c.subscribe(channelId);
    expect(sub.lastSeq).toBeGreaterThanOrEqual(0);
    c.send({ type: "ping" });
    await c.next("pong");

    const posted = await http(
      base,
      "POST",
      `/channels/${channelId}/messages`,
      { body: "doors open in five", clientId: `nginx-${Date.now()}` },
      alice.token,
    );
    expect(posted.status).toBe(201);
    const live = await c.next("message.created", (m) => m.message.id === posted.body.id);
    expect(live.message.body).toBe("doors open in five");
    expect(live.message.seq).toBe(posted.body.seq);
  });

  it("relays audio between clients on different instances through nginx and stores the recording", async () => {
    // Open sockets until the speaker and the listener sit on different instances.
    const speaker = await connectThroughNginx(alice.token);
    let listener = await connectThroughNginx(bob.token);
    for (let i = 0; i < 6 && listener.landed === speaker.landed; i++)
      listener = await connectThroughNginx(bob.token);
    expect(listener.landed).not.toBe(speaker.landed);
    await speaker.c.subscribe(channelId);
    await listener.c.subscribe(channelId);

    speaker.c.send({ type: "ptt.start", channelId });
    const granted = await speaker.c.next("ptt.granted", (m) => m.channelId === channelId);
    const started = await listener.c.next("speaker.started", (m) => m.streamId === granted.streamId);
    expect(started.user.id).toBe(alice.id);

    const frames: Uint8Array[] = [];
    const t0 = performance.now();
    for (let seq = 0; seq < 50; seq++) {
      const frame = encodeAudioFrame(granted.streamId, seq, OPUS_SILENCE);
      frames.push(frame);
      speaker.c.sendBinary(frame);
      const wait = t0 + (seq + 1) * 20 - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await eventually(() => listener.c.frames.length >= 50, 5_000, "50 frames at the listener");
    expect(listener.c.frames.length).toBe(50);
    // Byte for byte, in order.
    expect(listener.c.frames.map((f) => f.toString("hex"))).toEqual(
      frames.map((f) => Buffer.from(f).toString("hex")),
    );
    expect(speaker.c.frames.length).toBe(0);

    speaker.c.send({ type: "ptt.stop", channelId });
    expect((await speaker.c.next("ptt.stopped")).streamId).toBe(granted.streamId);
    const stopped = await listener.c.next("speaker.stopped", (m) => m.streamId === granted.streamId);
    expect(stopped.reason).toBe("released");
    expect(stopped.message?.kind).toBe("audio");

    // The recording, fetched through nginx with a byte range.
    const res = await fetch(`${base}${stopped.message.recording.url}`, {
      headers: { authorization: `Bearer ${bob.token}`, range: "bytes=0-3" },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-type")).toBe("audio/ogg");
    expect(Buffer.from(await res.arrayBuffer()).toString("latin1")).toBe("OggS");
  });

  it("ignores a spoofed X-Forwarded-For: registrations past RATE_REGISTER_PER_IP are 429", async () => {
    const suffix = randomBytes(3).toString("hex");
    const statuses: number[] = [];
    // One more than the limit, each with a different made-up X-Forwarded-For; the suite's
    // earlier registrations came from the same address, so the limit is reached by the last.
    for (let i = 0; i <= REGISTER_LIMIT; i++) {
      const username = `xff_${suffix}_${i}`;
      const res = await fetch(`${base}/api/v1/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": [...randomBytes(4)].join(".") },
        body: JSON.stringify({
          username,
          email: `${username}@example.test`,
          password: "correct horse battery",
        }),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(((await res.json()) as { code: string }).code).toBe("rate_limited");
    }
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(REGISTER_LIMIT);
    expect(statuses.at(-1)).toBe(429);
  });

  it("serves /metrics, /readyz, /docs and /openapi.json to the operator network only, however spelt", async () => {
    for (const path of OPERATOR_ONLY) expect((await get(path, OUTSIDER)).status, path).toBe(403);
    // The outsider reaches everything else.
    expect((await get("/healthz", OUTSIDER)).status).toBe(200);
    expect((await get("/api/v1/healthz", OUTSIDER)).status).toBe(200);
    // The operator network reaches them, with or without a trailing slash.
    for (const path of ["/metrics", "/metrics/"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.body, path).toContain("won_ws_connections");
    }
    expect((await get("/readyz")).status).toBe(200);
    expect((await get("/openapi.json")).status).toBe(200);
    expect((await get("/docs")).status).toBeLessThan(400);
  });

  it("renders the deploy config faithfully and rejects one it cannot recognise", () => {
    const source = readFileSync(DEPLOY_CONF, "utf8");
    const conf = renderNginxConfig(source, {
      upstreams: ["10.0.0.1:1", "10.0.0.2:2"],
      listen: "1.2.3.4:5",
      dir: "/x",
    });
    expect(conf).toMatch(/server 10\.0\.0\.1:1 max_fails/);
    expect(conf).toMatch(/server 10\.0\.0\.2:2 max_fails/);
    expect(conf).not.toMatch(/app\d:8000/);
    expect(conf).toContain("listen 1.2.3.4:5;");
    expect(conf).toContain("proxy_set_header Upgrade $http_upgrade;");
    // X-Forwarded-For is what nginx saw, never a value the client sent: the instances trust
    // exactly one hop.
    const forwardedFor = conf.match(/proxy_set_header\s+X-Forwarded-For\s+[^;]+;/g) ?? [];
    expect(forwardedFor.length).toBeGreaterThanOrEqual(2);
    for (const line of forwardedFor) expect(line).toMatch(/X-Forwarded-For \$remote_addr;$/);
    expect(() =>
      renderNginxConfig(source.replace(/^(\s*)listen 80;/m, "$1listen 8080;"), {
        upstreams: [],
        listen: "x",
        dir: "/x",
      }),
    ).toThrow(/listen 80/);
  });
});
