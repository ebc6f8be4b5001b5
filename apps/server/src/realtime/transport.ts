/**
 * The socket edge of the gateway (`GET /api/v1/realtime`). It knows connections only: the
 * upgrade (path, origin, pre-auth bounds per client address), the auth deadline, parsing and
 * validating text messages against the protocol's `ClientMessage` and dispatching them to one
 * handler per type, routing binary frames to the connection's transmission, the heartbeat, the
 * per-user socket cap and the revocation watch. What a message means is the handlers' business;
 * the errors they throw (`AppError`) are turned into socket `error` messages here.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  CLOSE,
  ClientMessage,
  frameStreamId,
  LIMITS,
  REALTIME_PATH,
  validateAudioFrame,
} from "@won/protocol";
import type { Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import type { AccessClaims } from "../auth/tokens.js";
import type { Config } from "../config.js";
import { AppError, isUnavailable } from "../domain/errors.js";
import type { TokenRevocations } from "../engines/index.js";
import { clientAddress } from "../lib/client-address.js";
import { Connection, MAX_PENDING_MESSAGES } from "./connection.js";
import type { RealtimeMetrics } from "./metrics.js";

export { REALTIME_PATH };
/** Sockets that have not authenticated yet, per instance and per client address: they hold
 *  memory for up to the auth deadline, so their number is bounded. Per address is
 *  generous because a venue's phones often share one public address. */
export const MAX_PENDING_AUTH = 2_000;
export const MAX_PENDING_AUTH_PER_ADDRESS = 200;
const OPEN = 1;

/** One handler per client message type, its dependencies already bound (handlers/index.ts). */
export type MessageHandlers = {
  [T in ClientMessage["type"]]: (
    conn: Connection,
    msg: Extract<ClientMessage, { type: T }>,
  ) => Promise<void> | void;
};

/** What the auth handler asks of the transport about a connection. */
export interface Connections {
  /**
   * Closes the socket (4401) when the login session `sid` is revoked on any instance. Call it
   * before reading the revocation list, so a logout racing the auth cannot slip between them.
   */
  watchRevocation(conn: Connection, sid: string): void;
  /** Admits a newly authenticated socket of `userId`, or closes it (4409) when the user already
   *  holds `MAX_SOCKETS_PER_USER` on this instance: every socket costs memory and fan-out. */
  admitUser(conn: Connection, userId: string): boolean;
  /** Marks the socket authenticated (or re-authenticated) until the claims expire (then 4401). */
  authenticate(conn: Connection, claims: AccessClaims): void;
}

export interface TransportOptions {
  config: Pick<Config, "corsOrigins" | "trustProxy" | "maxSocketsPerUser">;
  revocations: Pick<TokenRevocations, "onRevoked">;
  log: Logger;
  metrics: RealtimeMetrics;
  /** Called once a connection is gone (and after its last message was handled). */
  onClosed(conn: Connection): Promise<void>;
}

export class Transport implements Connections {
  private readonly connections = new Set<Connection>();
  private readonly pendingByAddress = new Map<string, number>();
  private pendingTotal = 0;
  /** Sockets by the login session (token `sid`) they authenticated with, for revocation. */
  private readonly bySessionId = new Map<string, Set<Connection>>();
  /** Authenticated sockets by user, for the per-user cap. */
  private readonly byUser = new Map<string, Set<Connection>>();
  private handlers: MessageHandlers | null = null;
  private wss: WebSocketServer | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(private readonly opts: TransportOptions) {
    opts.revocations.onRevoked((sid) => {
      for (const c of this.bySessionId.get(sid) ?? []) c.close(CLOSE.unauthenticated, "session revoked");
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Starts accepting sockets on `server`, handing their messages to `handlers`. */
  attach(server: Server, handlers: MessageHandlers): void {
    this.handlers = handlers;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: LIMITS.socketFrameMax,
      perMessageDeflate: false,
    });
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? "").split("?")[0];
      if (path !== REALTIME_PATH) return refuse(socket, 404, "Not Found");
      if (this.closing) return refuse(socket, 503, "Service Unavailable");
      if (!this.originAllowed(req)) return refuse(socket, 403, "Forbidden");
      // The client's address under TRUST_PROXY, resolved as for REST requests (`request.ip`).
      const address = clientAddress(req, this.opts.config.trustProxy);
      if (
        this.pendingTotal >= MAX_PENDING_AUTH ||
        (this.pendingByAddress.get(address) ?? 0) >= MAX_PENDING_AUTH_PER_ADDRESS
      ) {
        return refuse(socket, 429, "Too Many Requests");
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, address));
    });
    this.heartbeat = setInterval(() => this.beat(), LIMITS.heartbeatMs);
    this.heartbeat.unref();
  }

  private countPending(address: string, delta: 1 | -1): void {
    this.pendingTotal += delta;
    const n = (this.pendingByAddress.get(address) ?? 0) + delta;
    if (n > 0) this.pendingByAddress.set(address, n);
    else this.pendingByAddress.delete(address);
  }

  /** Browsers send Origin: it must be this host or in CORS_ORIGINS. Other clients send none. */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true;
    const allowed = this.opts.config.corsOrigins;
    if (allowed.includes("*") || allowed.includes(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  private onConnection(ws: WebSocket, address: string): void {
    const conn = new Connection(ws, () => this.opts.metrics.slowClosed++);
    this.connections.add(conn);
    this.countPending(address, 1);
    let pending = true;
    conn.onReady = () => {
      if (pending) this.countPending(address, -1);
      pending = false;
    };
    const authTimer = setTimeout(() => {
      if (!conn.ready) conn.close(CLOSE.authTimeout, "no auth in time");
    }, LIMITS.authTimeoutMs);
    authTimer.unref();
    let chain: Promise<void> = Promise.resolve();

    ws.on("pong", () => {
      conn.alive = true;
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      conn.alive = true;
      if (isBinary) return this.onBinary(conn, data);
      if (!conn.textRate.take()) return conn.close(CLOSE.rateLimited, "too many messages");
      if (++conn.pendingMessages > MAX_PENDING_MESSAGES)
        return conn.close(CLOSE.rateLimited, "too many messages in flight");
      // Text messages are handled one at a time, in order; audio frames do not wait behind them.
      chain = chain.then(() => this.onText(conn, data)).finally(() => conn.pendingMessages--);
    });
    ws.on("close", () => {
      clearTimeout(authTimer);
      conn.onReady();
      void chain.finally(() => this.onClose(conn));
    });
    ws.on("error", () => ws.terminate());
  }

  private async onText(conn: Connection, data: Buffer): Promise<void> {
    if (conn.closed) return;
    const msg = this.parse(conn, data);
    if (!msg) return;
    if (!conn.ready && msg.type !== "auth") return conn.close(CLOSE.protocolViolation, "authenticate first");
    try {
      const handle = this.handlers![msg.type] as (c: Connection, m: ClientMessage) => Promise<void> | void;
      await handle(conn, msg);
    } catch (err) {
      this.answerFailure(conn, msg, err);
    }
  }

  /** A valid client message, or null after answering (or, before auth, closing) the socket. */
  private parse(conn: Connection, data: Buffer): ClientMessage | null {
    if (data.length > LIMITS.socketTextMax) {
      conn.error("invalid_message", `Text messages are limited to ${LIMITS.socketTextMax} bytes`);
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString("utf8"));
    } catch {
      if (!conn.ready) conn.close(CLOSE.protocolViolation, "expected an auth message");
      else conn.error("invalid_message", "Not valid JSON");
      return null;
    }
    const parsed = ClientMessage.safeParse(json);
    if (parsed.success) return parsed.data;
    if (!conn.ready) {
      conn.close(CLOSE.protocolViolation, "expected an auth message");
      return null;
    }
    const type = (json as { type?: unknown } | null)?.type;
    const known = typeof type === "string" && type in this.handlers!;
    const ref = typeof type === "string" ? type.slice(0, 64) : undefined;
    const issues = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(message)"}: ${i.message}`)
      .join("; ");
    conn.error(known ? "invalid_message" : "unknown_type", known ? issues : `Unknown message type`, ref);
    return null;
  }

  /**
   * A handler failed: an AppError is answered with its catalogue code, `ref` being the channel
   * the message names (or its type); an unreachable dependency with `unavailable`; anything else
   * is a bug, logged and answered `internal`. The socket stays open.
   */
  private answerFailure(conn: Connection, msg: ClientMessage, err: unknown): void {
    if (err instanceof AppError) conn.error(err.code, err.message, channelOf(msg) ?? msg.type);
    else if (isUnavailable(err))
      conn.error("unavailable", "A service is unavailable; try again shortly", msg.type);
    else {
      this.opts.log.error({ err, type: msg.type }, "socket handler failed");
      conn.error("internal", "Internal error", msg.type);
    }
  }

  /** Audio from a speaker, to the transmission it belongs to. Hot path: no JSON, no allocation
   *  for a valid frame. */
  private onBinary(conn: Connection, frame: Buffer): void {
    if (!conn.ready) {
      conn.close(CLOSE.protocolViolation, "authenticate first");
      return;
    }
    if (!conn.frameRate.take()) {
      conn.close(CLOSE.rateLimited, "too many frames");
      return;
    }
    const metrics = this.opts.metrics;
    metrics.framesIn++;
    const bad = validateAudioFrame(frame);
    if (bad) {
      metrics.framesDropped++;
      conn.error("invalid_frame", `Invalid audio frame: ${bad}`);
      return;
    }
    const t = conn.transmission;
    const streamId = frameStreamId(frame);
    if (!t || t.streamId !== streamId) {
      metrics.framesDropped++;
      if (conn.lastForeignStream !== streamId) {
        conn.lastForeignStream = streamId;
        conn.error("not_floor_holder", `You do not hold the floor for stream ${streamId}`);
      }
      return;
    }
    const t0 = performance.now();
    t.onFrame(frame);
    metrics.observeRelay((performance.now() - t0) / 1000);
  }

  private async onClose(conn: Connection): Promise<void> {
    conn.dispose();
    this.connections.delete(conn);
    if (conn.watchedSid) removeFrom(this.bySessionId, conn.watchedSid, conn);
    if (conn.claims) removeFrom(this.byUser, conn.claims.userId, conn);
    await this.opts.onClosed(conn);
  }

  watchRevocation(conn: Connection, sid: string): void {
    if (conn.watchedSid === sid) return;
    if (conn.watchedSid) removeFrom(this.bySessionId, conn.watchedSid, conn);
    conn.watchedSid = sid;
    addTo(this.bySessionId, sid, conn);
  }

  admitUser(conn: Connection, userId: string): boolean {
    const held = this.byUser.get(userId)?.size ?? 0;
    if (held >= this.opts.config.maxSocketsPerUser) {
      conn.close(CLOSE.tooManyConnections, "too many connections for this user");
      return false;
    }
    addTo(this.byUser, userId, conn);
    return true;
  }

  authenticate(conn: Connection, claims: AccessClaims): void {
    conn.setClaims(claims, () => conn.close(CLOSE.unauthenticated, "token expired"));
  }

  /** Pings every socket; one that did not answer the previous ping is dead and is dropped. */
  private beat(): void {
    for (const c of this.connections) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      if (c.ws.readyState === OPEN) c.ws.ping();
    }
  }

  /**
   * Graceful stop: refuse new sockets, end transmissions (their recordings are stored), close
   * every socket with 1012 so clients reconnect to another instance, and clean up after them.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    const all = [...this.connections];
    await Promise.all(all.map((c) => c.transmission?.end("disconnected")));
    for (const c of all) c.close(CLOSE.restart, "server restarting");
    await Promise.all(all.map((c) => this.onClose(c).catch(() => undefined)));
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }
}

function channelOf(msg: ClientMessage): string | undefined {
  return "channelId" in msg ? msg.channelId : undefined;
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key) ?? new Set<V>();
  index.set(key, set);
  set.add(value);
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
