/**
 * Shared helpers of the security suites (authorisation matrix, fuzzing, limits): the invariants
 * every hostile input must keep, row counts for "nothing changed", a heap check and a raw socket
 * probe that knows when the server has finished with one message.
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CLOSE, ERRORS, ServerMessage } from "@won/protocol";
import { type RawBuilder, sql } from "kysely";
import { WebSocket } from "ws";
import type { App } from "../app.js";
import type { Res, TestApp } from "../test/harness.js";

/** Cases per fuzz target; `FUZZ_RUNS=200000 npm test -- apps/server/src/security` for a long run. */
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 10_000) || 10_000);
/** A fixed seed makes a failure reproducible: `FUZZ_SEED=… npm test -- …`. Random otherwise. */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** Per-test timeout that grows with FUZZ_RUNS (20 ms a case, generous for a loaded 2-core box; at least 180 s). */
export const FUZZ_TIMEOUT_MS = Math.max(180_000, FUZZ_RUNS * 20);

const CLOSE_CODES = new Set<number>(Object.values(CLOSE));

/** Close codes the contract documents (docs/protocol.md "Close codes" and RFC 6455 1009). */
export function isDocumentedClose(code: number): boolean {
  return CLOSE_CODES.has(code as never);
}

/**
 * The REST error invariant: 4xx (never 5xx for client input), `application/problem+json`,
 * `{type, title, status, code}` with `code` from the one catalogue and `status` equal to both
 * the HTTP status and the catalogue's status for that code. Returns a reason, or null.
 */
export function problemViolation(res: Res): string | null {
  if (res.status >= 500) return `server error ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`;
  if (res.status < 400) return null;
  const type = String(res.headers["content-type"] ?? "");
  if (!type.startsWith("application/problem+json")) return `content-type ${type} for ${res.status}`;
  const b = res.body as Record<string, unknown>;
  if (!b || typeof b !== "object") return `body is not an object: ${String(b).slice(0, 200)}`;
  if (typeof b.code !== "string" || !(b.code in ERRORS)) return `code ${String(b.code)} not in the catalogue`;
  if (b.status !== res.status) return `body.status ${String(b.status)} ≠ HTTP ${res.status}`;
  if (typeof b.type !== "string" || typeof b.title !== "string") return "type/title missing";
  const catalogued = ERRORS[b.code as keyof typeof ERRORS].status;
  if (catalogued !== res.status)
    return `code ${b.code} is ${catalogued} in the catalogue, sent as ${res.status}`;
  return null;
}

/** Row counts of every table, to prove that rejected input changed nothing. */
const TABLES = [
  "users",
  "sessions",
  "refresh_tokens",
  "events",
  "event_members",
  "channels",
  "channel_members",
  "messages",
  "recordings",
];

export async function rowCounts(app: App): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t)}`.execute(
      app.ctx.db,
    );
    out[t] = Number(r.rows[0]!.n);
  }
  return out;
}

/** A full collection, exposed at run time so the heap check does not depend on node flags. */
const gc: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

export interface FingerprintOf {
  users: string[];
  events: string[];
  channels: string[];
}

/**
 * Every row count plus the mutable state of the fixture's users, events, memberships and
 * channels, in ONE query (cheap enough to take after every fuzz case): if a request was
 * rejected, this must not have moved.
 */
export async function fingerprint(app: App, fx: FingerprintOf): Promise<string> {
  const parts: RawBuilder<unknown>[] = TABLES.map((t) => sql`(select count(*) from ${sql.table(t)})`);
  parts.push(sql`(select count(*) from sessions where revoked_at is not null)`);
  parts.push(sql`(select count(*) from refresh_tokens where used_at is not null)`);
  for (const u of fx.users) parts.push(sql`(select display_name from users where id = ${u})`);
  for (const e of fx.events) {
    for (const col of ["name", "description", "starts_at", "ends_at", "invite_code"])
      parts.push(sql`(select ${sql.ref(col)} from events where id = ${e})`);
    for (const u of fx.users)
      parts.push(sql`(select role from event_members where event_id = ${e} and user_id = ${u})`);
  }
  for (const c of fx.channels) {
    for (const col of ["name", "description", "invite_code", "last_seq"])
      parts.push(sql`(select ${sql.ref(col)} from channels where id = ${c})`);
    for (const u of fx.users) {
      parts.push(sql`(select role from channel_members where channel_id = ${c} and user_id = ${u})`);
      parts.push(
        sql`(select created_at from channel_restrictions where channel_id = ${c} and user_id = ${u})`,
      );
    }
  }
  const q = sql<
    Record<string, unknown>
  >`select ${sql.join(parts.map((p, i) => sql`${p} as ${sql.raw(`c${i}`)}`))}`;
  const r = await q.execute(app.ctx.db);
  return JSON.stringify(Object.values(r.rows[0]!).map((v) => (v === null ? null : String(v))));
}

/** Heap in use right after a full collection. */
export function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Growth allowed across one fuzz run: bounded, whatever the number of cases. */
export const HEAP_GROWTH_MAX = 200 * 1024 * 1024;

/** `GET /healthz` over real HTTP: the process and its listener are still up. */
export async function healthy(t: TestApp): Promise<boolean> {
  const res = await fetch(`${t.url}/healthz`);
  return res.status === 200 && ((await res.json()) as { status?: string }).status === "ok";
}

/** Keys that must never appear on Object.prototype after hostile JSON went through. */
export function prototypePolluted(): string | null {
  const probe = {} as Record<string, unknown>;
  for (const k of ["polluted", "isAdmin", "role", "admin", "x"]) if (probe[k] !== undefined) return k;
  const own = Object.getOwnPropertyNames(Object.prototype).filter((k) => !BASE_PROTO_KEYS.has(k));
  return own.length ? own.join(",") : null;
}
const BASE_PROTO_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

type Msg = { type: string; [k: string]: unknown };

/**
 * A raw WebSocket client for fuzzing. `roundTrip` sends one message and then a `ping`; text
 * messages are handled in order and binary frames synchronously on arrival, so every reply to
 * the message has arrived once the `pong` does. Tracks its own text budget so it never trips
 * the per-socket rate limit (20/s, burst 60), which limits.test.ts covers.
 */
export class Probe {
  readonly inbox: Msg[] = [];
  readonly frames: Buffer[] = [];
  closed: { code: number; reason: string } | null = null;
  /** Text messages sent on this socket; callers rotate sockets before the bucket runs dry. */
  textSent = 0;
  binarySent = 0;
  private wake: (() => void) | null = null;
  private bad: string | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, binary: boolean) => {
      if (binary) this.frames.push(Buffer.from(data));
      else {
        try {
          const m = JSON.parse(data.toString("utf8")) as Msg;
          const parsed = ServerMessage.safeParse(m);
          if (!parsed.success) this.bad ??= `not a contract message: ${data.toString("utf8").slice(0, 300)}`;
          this.inbox.push(m);
        } catch {
          this.bad ??= `not JSON: ${data.toString("utf8").slice(0, 300)}`;
        }
      }
      this.wake?.();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake?.();
    });
    ws.on("error", () => undefined);
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<Probe> {
    const ws = new WebSocket(url, { headers, maxPayload: 16 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return new Probe(ws);
  }

  /** Opens and authenticates; resolves after `ready`. */
  static async connect(url: string, token: string): Promise<Probe> {
    const p = await Probe.open(url);
    p.sendText(JSON.stringify({ type: "auth", token }));
    await p.until(() => p.inbox.some((m) => m.type === "ready"), 5_000, "ready");
    p.inbox.length = 0;
    return p;
  }

  /** A message the server sent that is not in the contract, if any. */
  get violation(): string | null {
    return this.bad;
  }

  sendText(text: string): void {
    this.textSent++;
    this.ws.send(text);
  }

  sendBinary(bytes: Uint8Array): void {
    this.binarySent++;
    this.ws.send(bytes, { binary: true });
  }

  /** Waits until `pred()` holds or the socket closes; throws on timeout. */
  async until(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (this.closed) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /**
   * Sends `payload` (text or binary), then a ping, and returns what came back before the pong
   * (or before the socket closed). Clears the inbox.
   */
  async roundTrip(
    payload: string | Uint8Array,
    timeoutMs = 5_000,
  ): Promise<{ replies: Msg[]; closed: boolean }> {
    this.inbox.length = 0;
    if (typeof payload === "string") this.sendText(payload);
    else this.sendBinary(payload);
    if (this.closed) return { replies: [], closed: true };
    this.sendText('{"type":"ping"}');
    await this.until(() => this.inbox.some((m) => m.type === "pong"), timeoutMs, "pong");
    const at = this.inbox.findIndex((m) => m.type === "pong");
    const replies = at >= 0 ? this.inbox.slice(0, at) : this.inbox.slice();
    this.inbox.length = 0;
    return { replies, closed: this.closed !== null && at < 0 };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.ws.close();
    await this.until(() => false, 3_000, "close").catch(() => this.ws.terminate());
  }
}

/** A small valid Opus packet: TOC config 31 (CELT FB 20 ms), mono, one frame. */
export const OPUS_20MS = Uint8Array.from([0xf8, 0xff, 0xfe]);
