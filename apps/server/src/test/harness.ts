/**
 * Test harness for server suites: apps in both modes on real services, a REST client over
 * `inject()`, a WebSocket client with an awaitable inbox, and real server processes for tests
 * that kill an instance. `npm test` provides TEST_MYSQL_URL and TEST_REDIS_URL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createConnection } from "mysql2/promise";
import { WebSocket } from "ws";
import { type App, buildApp } from "../app.js";
import { loadConfig } from "../config.js";
import type { MemoryHub } from "../engines/index.js";
import { waitFor, waitUntilReady } from "./wait.js";

export { sleep, waitFor, waitUntilReady, withDeadline } from "./wait.js";

export type Mode = "embedded" | "production";
export const MODES: Mode[] = ["embedded", "production"];
export const TEST_JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";

export function requireEnv(name: "TEST_MYSQL_URL" | "TEST_REDIS_URL"): string {
  const v = process.env[name];
  if (!v)
    throw new Error(
      `${name} is not set: run the suites with \`npm test\` (scripts/test.mjs starts MariaDB and Redis)`,
    );
  return v;
}

/** A fresh, empty MySQL database on the test server; returns its URL. */
export async function createMysqlDatabase(): Promise<string> {
  const base = requireEnv("TEST_MYSQL_URL");
  const name = `won_${randomBytes(6).toString("hex")}`;
  const conn = await createConnection(base);
  await conn.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return `${base}/${name}`;
}

export interface Backing {
  mode: Mode;
  env: Record<string, string>;
}

/** Storage and engines for one or more app instances that should share state. */
export async function createBacking(mode: Mode, extra: Record<string, string> = {}): Promise<Backing> {
  const common = {
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    JWT_SECRET: TEST_JWT_SECRET,
    RATE_LOGIN_PER_IP: "100000",
    RATE_LOGIN_PER_ACCOUNT: "100000",
    RATE_LOGIN_PER_ACCOUNT_ADDRESS: "100000",
    RATE_REGISTER_PER_IP: "100000",
    RATE_JOIN_PER_USER: "100000",
    RATE_MESSAGES_PER_USER: "100000",
    RATE_HISTORY_PER_USER: "100000",
    RATE_ALERTS_PER_USER: "100000",
    MAX_SOCKETS_PER_USER: "10000",
    WEB_DIST_DIR: "/nonexistent",
  };
  if (mode === "embedded") {
    return { mode, env: { ...common, DATA_DIR: mkdtempSync(join(tmpdir(), "won-test-")), ...extra } };
  }
  return {
    mode,
    env: {
      ...common,
      DATABASE_URL: await createMysqlDatabase(),
      REDIS_URL: requireEnv("TEST_REDIS_URL"),
      REDIS_PREFIX: `t${randomBytes(5).toString("hex")}:`,
      ...extra,
    },
  };
}

export interface TestApp {
  app: App;
  url: string;
  wsUrl: string;
  api: Api;
  close(): Promise<void>;
}

/** Builds an app on `backing` and listens on a free port. Embedded apps sharing `hub` act as
 *  several nodes of one process. */
export async function startApp(
  backing: Backing,
  opts: { hub?: MemoryHub; presenceLeaseMs?: number; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const config = loadConfig({ ...backing.env, ...opts.env, PORT: "0", HOST: "127.0.0.1" });
  const app = await buildApp(config, { hub: opts.hub, presenceLeaseMs: opts.presenceLeaseMs });
  await app.fastify.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.fastify.server.address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/realtime`,
    api: new Api(app),
    close: () => app.close(),
  };
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

let userCounter = 0;

/** REST client over Fastify's inject(): real routing, validation and serialisation, no socket. */
export class Api {
  constructor(private readonly app: App) {}

  async req<T = any>(
    method: string,
    url: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Res<T>> {
    const res = await this.app.fastify.inject({
      method: method as "GET",
      url: /^\/(api\/|healthz|readyz|openapi\.json|docs|metrics)/.test(url) ? url : `/api/v1${url}`,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
    });
    const text = res.body;
    let body: unknown = text;
    if ((res.headers["content-type"] ?? "").toString().includes("json") && text) body = JSON.parse(text);
    return { status: res.statusCode, body: body as T, headers: res.headers };
  }

  get = <T = any>(url: string, token?: string) => this.req<T>("GET", url, { token });
  post = <T = any>(url: string, body?: unknown, token?: string) => this.req<T>("POST", url, { body, token });
  patch = <T = any>(url: string, body: unknown, token?: string) => this.req<T>("PATCH", url, { body, token });
  del = <T = any>(url: string, token?: string) => this.req<T>("DELETE", url, { token });

  /** Registers a fresh user; returns its tokens and user. */
  async user(name?: string): Promise<TestUser> {
    const username = name ?? `u${process.pid}_${++userCounter}_${randomBytes(2).toString("hex")}`;
    const res = await this.post("/api/v1/auth/register", {
      username,
      email: `${username}@example.test`,
      password: "correct horse battery",
    });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      id: res.body.user.id,
      username,
      token: res.body.accessToken,
      refreshToken: res.body.refreshToken,
      user: res.body.user,
    };
  }
}

export interface TestUser {
  id: string;
  username: string;
  token: string;
  refreshToken: string;
  user: { id: string; username: string; displayName: string; createdAt: string };
}

/** {@link waitFor} with the argument order the server suites use (polls every 25 ms). */
export function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 5_000, what = "condition"): Promise<T> {
  return waitFor(what, fn, { timeoutMs, intervalMs: 25 });
}

type Msg = { type: string; [k: string]: any };

/** A WebSocket client with an inbox: `next(type)` waits for the next message of that type. */
export class WsClient {
  readonly messages: Msg[] = [];
  readonly frames: Buffer[] = [];
  /** Messages and frames in arrival order. */
  readonly log: (Msg | Buffer)[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private cursor = new Map<string, number>();
  private waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, binary: boolean) => {
      const item = binary ? Buffer.from(data) : (JSON.parse(data.toString()) as Msg);
      if (Buffer.isBuffer(item)) this.frames.push(item);
      else this.messages.push(item);
      this.log.push(item);
      for (const w of this.waiters) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.closed.then(() => {
      for (const w of this.waiters) w();
    });
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const ws = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new WsClient(ws);
  }

  /** Opens and authenticates; resolves after `ready`. */
  static async connect(url: string, token: string): Promise<WsClient> {
    const c = await WsClient.open(url);
    c.send({ type: "auth", token });
    await c.next("ready");
    return c;
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  sendBinary(frame: Uint8Array): void {
    this.ws.send(frame, { binary: true });
  }

  /** The next not-yet-consumed message of `type` matching `pred`. */
  async next(type: string, pred: (m: Msg) => boolean = () => true, timeoutMs = 5_000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const start = this.cursor.get(type) ?? 0;
      for (let i = start; i < this.messages.length; i++) {
        const m = this.messages[i]!;
        if (m.type === type && pred(m)) {
          this.cursor.set(type, i + 1);
          return m;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no "${type}" message within ${timeoutMs} ms; got: ${this.messages.map((m) => m.type).join(", ")}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      }).finally(() => this.waiters.clear());
    }
  }

  of(type: string): Msg[] {
    return this.messages.filter((m) => m.type === type);
  }

  async subscribe(channelId: string, sinceSeq?: number): Promise<Msg> {
    this.send({ type: "subscribe", channelId, ...(sinceSeq !== undefined ? { sinceSeq } : {}) });
    return this.next("subscribed", (m) => m.channelId === channelId);
  }

  close(): void {
    this.ws.close();
  }
}

/** A real server process (`node apps/server/dist/main.js`), for tests that kill an instance. */
export interface ServerProcess {
  url: string;
  wsUrl: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnServer(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const main = resolve(import.meta.dirname, "../../dist/main.js");
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: env.LOG_LEVEL ?? "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, 20_000);
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/realtime`,
    child,
    kill: (signal = "SIGTERM") =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once("exit", () => res());
        child.kill(signal);
      }),
  };
}

/** Real HTTP (not inject), for tests that talk to server processes. */
export async function http<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Res<T>> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T,
    headers: Object.fromEntries(res.headers),
  };
}

/**
 * Records a measured figure (recovery times, counts) for docs/reliability.md when
 * RELIABILITY_FIGURES names a file; a no-op otherwise. Figures are reported, never asserted on
 * beyond the tests' own deadlines.
 */
export function recordFigure(name: string, value: number, unit: string): void {
  const file = process.env.RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ name, value, unit })}\n`);
}
