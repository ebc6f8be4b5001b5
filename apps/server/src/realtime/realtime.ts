/**
 * The real-time gateway (`GET /api/v1/realtime`): authenticates sockets, subscribes them to
 * channels, runs push-to-talk, and fans every channel event out through the broker — one topic
 * per channel for JSON events and audio frames alike, so `speaker.started` precedes a stream's
 * frames on every node. See docs/protocol.md for the messages and docs/architecture.md for the flow.
 */

import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  CLOSE,
  ClientMessage,
  FRAME_KIND_AUDIO,
  frameStreamId,
  LIMITS,
  type Presence,
  type ServerMessage,
  type StopReason,
  validateAudioFrame,
} from "@won/protocol";
import { type WebSocket, WebSocketServer } from "ws";
import type { AccessClaims } from "../auth/tokens.js";
import { loadPresence } from "../commands/channels.js";
import type { AppContext } from "../context.js";
import { AppError, isUnavailable } from "../domain/errors.js";
import { type ChannelGrant, channelAbilities, mayContinueTransmission } from "../domain/policy.js";
import { clientAddress } from "../http/client-address.js";
import { ChannelHub, channelTopic } from "./channel-hub.js";
import { handlers } from "./handlers/index.js";
import type { LiveEvents } from "./live-events.js";
import { PushToTalk } from "./push-to-talk.js";
import { RemoteStreams } from "./remote-streams.js";
import { MAX_PENDING_MESSAGES, Session } from "./session.js";

export const REALTIME_PATH = "/api/v1/realtime";
/** Sockets that have not authenticated yet, per instance and per client address: they hold
 *  memory for up to the auth deadline, so their number is bounded. Per address is
 *  generous because a venue's phones often share one public address. */
export const MAX_PENDING_AUTH = 2_000;
export const MAX_PENDING_AUTH_PER_ADDRESS = 200;
const OPEN = 1;

/** Internal channel events, handled by every node and never forwarded to clients. */
export type ControlEvent =
  | { type: "_access.revoked"; channelId: string; userIds: string[] }
  | { type: "_access.changed"; channelId: string; userId: string }
  | { type: "_floor.preempted"; channelId: string; streamId: number };

export class Realtime {
  readonly hub: ChannelHub;
  /** Push-to-talk: the floor, transmissions and their recordings (push-to-talk.ts). */
  readonly ptt: PushToTalk;
  readonly live: LiveEvents;
  private readonly sessions = new Set<Session>();
  private readonly pendingByAddress = new Map<string, number>();
  private pendingTotal = 0;
  /** Sockets by the login session (token `sid`) they authenticated with, for revocation. */
  private readonly bySessionId = new Map<string, Set<Session>>();
  /** Authenticated sockets by user, for the per-user cap. */
  private readonly byUser = new Map<string, Set<Session>>();
  private readonly remote: RemoteStreams;
  private wss: WebSocketServer | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private closing = false;
  /** Told how long each audio frame took to relay here, in seconds (the metrics histogram). */
  relayObserver: ((seconds: number) => void) | null = null;
  /** Counters for /metrics and tests. */
  readonly stats = {
    framesIn: 0,
    framesDelivered: 0,
    framesDropped: 0,
    framesHeld: 0,
    transmissions: 0,
    slowClosed: 0,
  };

  constructor(readonly ctx: AppContext) {
    this.hub = new ChannelHub(ctx.engines.broker, (channelId, payload) =>
      this.onPayload(channelId, payload, true),
    );
    this.remote = new RemoteStreams(ctx.config.ptt.floorLeaseMs, (channelId, streamId, userId) =>
      this.onRemoteStreamLost(channelId, streamId, userId),
    );
    this.live = this.liveEvents();
    this.ptt = new PushToTalk(this);
    ctx.engines.revocations.onRevoked((sid) => {
      for (const s of this.bySessionId.get(sid) ?? []) s.close(CLOSE.unauthenticated, "session revoked");
    });
    ctx.engines.presence.onSwept(
      (channelId, userId) => void this.emit(channelId, { type: "presence.left", channelId, userId }),
    );
    ctx.engines.broker.onStateChange((up) => {
      if (!up) return;
      // Events published while the broker was away are lost to this node: tell clients to catch up.
      for (const channelId of this.hub.channelIds()) {
        const bytes = Buffer.from(
          JSON.stringify({ type: "resync.truncated", channelId } satisfies ServerMessage),
        );
        this.hub.deliverText(channelId, bytes);
      }
    });
  }

  // ------------------------------------------------------------------ sockets

  attach(server: Server): void {
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
      const address = this.clientAddress(req);
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

  /** The client's address under TRUST_PROXY, resolved as for REST requests (`request.ip`). */
  private clientAddress(req: IncomingMessage): string {
    return clientAddress(req, this.ctx.config.trustProxy);
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
    const allowed = this.ctx.config.corsOrigins;
    if (allowed.includes("*") || allowed.includes(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  private onConnection(ws: WebSocket, address: string): void {
    const session = new Session(ws, () => this.stats.slowClosed++);
    this.sessions.add(session);
    this.countPending(address, 1);
    let pending = true;
    session.onReady = () => {
      if (pending) this.countPending(address, -1);
      pending = false;
    };
    const authTimer = setTimeout(() => {
      if (!session.ready) session.close(CLOSE.authTimeout, "no auth in time");
    }, LIMITS.authTimeoutMs);
    authTimer.unref();
    let chain: Promise<void> = Promise.resolve();

    ws.on("pong", () => {
      session.alive = true;
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      session.alive = true;
      if (isBinary) return this.onBinary(session, data);
      if (!session.textRate.take()) return session.close(CLOSE.rateLimited, "too many messages");
      if (++session.pendingMessages > MAX_PENDING_MESSAGES)
        return session.close(CLOSE.rateLimited, "too many messages in flight");
      // Text messages are handled one at a time, in order; audio frames do not wait behind them.
      chain = chain.then(() => this.onText(session, data)).finally(() => session.pendingMessages--);
    });
    ws.on("close", () => {
      clearTimeout(authTimer);
      session.onReady();
      void chain.finally(() => this.onClose(session));
    });
    ws.on("error", () => ws.terminate());
  }

  private async onText(session: Session, data: Buffer): Promise<void> {
    if (session.closed) return;
    if (data.length > LIMITS.socketTextMax)
      return session.error("invalid_message", `Text messages are limited to ${LIMITS.socketTextMax} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(data.toString("utf8"));
    } catch {
      if (!session.ready) return session.close(CLOSE.protocolViolation, "expected an auth message");
      return session.error("invalid_message", "Not valid JSON");
    }
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) {
      if (!session.ready) return session.close(CLOSE.protocolViolation, "expected an auth message");
      const type = (json as { type?: unknown } | null)?.type;
      const known = typeof type === "string" && type in handlers;
      const ref = typeof type === "string" ? type.slice(0, 64) : undefined;
      const issues = parsed.error.issues
        .map((i) => `${i.path.join(".") || "(message)"}: ${i.message}`)
        .join("; ");
      return session.error(
        known ? "invalid_message" : "unknown_type",
        known ? issues : `Unknown message type`,
        ref,
      );
    }
    const msg = parsed.data;
    if (!session.ready && msg.type !== "auth")
      return session.close(CLOSE.protocolViolation, "authenticate first");
    try {
      await (handlers[msg.type] as (rt: Realtime, s: Session, m: typeof msg) => Promise<void> | void)(
        this,
        session,
        msg,
      );
    } catch (err) {
      if (err instanceof AppError) return session.error(err.code, err.message, msg.type);
      if (isUnavailable(err))
        return session.error("unavailable", "A service is unavailable; try again shortly", msg.type);
      this.ctx.log.error({ err, type: msg.type }, "socket handler failed");
      session.error("internal", "Internal error", msg.type);
    }
  }

  /** Audio from a speaker. Hot path: no JSON, no allocation for a valid frame. */
  private onBinary(session: Session, frame: Buffer): void {
    if (!session.ready) {
      session.close(CLOSE.protocolViolation, "authenticate first");
      return;
    }
    if (!session.frameRate.take()) {
      session.close(CLOSE.rateLimited, "too many frames");
      return;
    }
    this.stats.framesIn++;
    const bad = validateAudioFrame(frame);
    if (bad) {
      this.stats.framesDropped++;
      session.error("invalid_frame", `Invalid audio frame: ${bad}`);
      return;
    }
    const t = session.transmission;
    const streamId = frameStreamId(frame);
    if (!t || t.streamId !== streamId) {
      this.stats.framesDropped++;
      if (session.lastForeignStream !== streamId) {
        session.lastForeignStream = streamId;
        session.error("not_floor_holder", `You do not hold the floor for stream ${streamId}`);
      }
      return;
    }
    const t0 = performance.now();
    t.onFrame(frame);
    this.relayObserver?.((performance.now() - t0) / 1000);
  }

  private async onClose(session: Session): Promise<void> {
    session.dispose();
    this.sessions.delete(session);
    if (session.watchedSid) removeFrom(this.bySessionId, session.watchedSid, session);
    if (session.claims) removeFrom(this.byUser, session.claims.userId, session);
    await Promise.all(
      [...session.subscriptions.keys()].map((id) =>
        this.leave(session, id, "disconnected").catch(() => undefined),
      ),
    );
  }

  /**
   * Closes the socket (4401) when the login session `sid` is revoked on any instance. Called
   * before the revocation list is read, so a logout racing the auth cannot slip between them.
   */
  watchRevocation(session: Session, sid: string): void {
    if (session.watchedSid === sid) return;
    if (session.watchedSid) removeFrom(this.bySessionId, session.watchedSid, session);
    session.watchedSid = sid;
    addTo(this.bySessionId, sid, session);
  }

  /**
   * Admits a newly authenticated socket of `userId`, or closes it (4409) when the user already
   * holds `MAX_SOCKETS_PER_USER` on this instance: every socket costs memory and fan-out.
   */
  admitUser(session: Session, userId: string): boolean {
    const held = this.byUser.get(userId)?.size ?? 0;
    if (held >= this.ctx.config.maxSocketsPerUser) {
      session.close(CLOSE.tooManyConnections, "too many connections for this user");
      return false;
    }
    addTo(this.byUser, userId, session);
    return true;
  }

  setSessionClaims(session: Session, claims: AccessClaims): void {
    session.setClaims(claims, () => session.close(CLOSE.unauthenticated, "token expired"));
  }

  /** Pings every socket; one that did not answer the previous ping is dead and is dropped. */
  private beat(): void {
    for (const s of this.sessions) {
      if (!s.alive) {
        s.ws.terminate();
        continue;
      }
      s.alive = false;
      if (s.ws.readyState === OPEN) s.ws.ping();
    }
  }

  // ------------------------------------------------------------------ channels

  /** The caller's access to a channel, or null after telling them why not. */
  async channelAccess(session: Session, channelId: string): Promise<ChannelGrant | null> {
    const found = await this.ctx.repos.channels.findWithAccess(channelId, session.userId);
    if (!found) {
      session.error("not_found", "No such channel", channelId);
      return null;
    }
    const { access } = found;
    if (!access) session.error("not_a_member", "You are not a member of this channel", channelId);
    return access;
  }

  /** Counts a history read against the user's rate (shared with REST history pages). */
  async allowHistoryRead(userId: string): Promise<boolean> {
    const rule = this.ctx.config.rates.historyPerUser;
    return (await this.ctx.engines.rateLimiter.hit(`history:user:${userId}`, rule.limit, rule.windowMs))
      .allowed;
  }

  async channelState(channelId: string): Promise<(Presence & { lastSeq: number }) | null> {
    const [channel, presence] = await Promise.all([
      this.ctx.repos.channels.findById(channelId),
      loadPresence(this.ctx, channelId),
    ]);
    return channel ? { lastSeq: Number(channel.last_seq), ...presence } : null;
  }

  async join(session: Session, channelId: string): Promise<void> {
    const first = await this.ctx.engines.presence.add(channelId, session.userId, session.id);
    if (first) await this.emit(channelId, { type: "presence.joined", channelId, user: session.user! });
  }

  /** Unsubscribes a socket from a channel, ending its transmission there. */
  async leave(session: Session, channelId: string, reason: StopReason): Promise<void> {
    if (!session.subscriptions.delete(channelId)) return;
    const t = session.transmission;
    if (t && t.channelId === channelId) await t.end(reason);
    await this.hub.remove(channelId, session);
    const last = await this.ctx.engines.presence.remove(channelId, session.userId, session.id);
    if (last) await this.emit(channelId, { type: "presence.left", channelId, userId: session.userId });
  }

  /**
   * Publishes an event of a channel to the other nodes, then delivers it here (publishing first
   * keeps remote listeners from waiting on the local loop). Never throws: the database is the
   * record, and clients resync by `seq` after a broker outage.
   */
  async emit(channelId: string, event: ServerMessage | ControlEvent): Promise<void> {
    const bytes = Buffer.from(JSON.stringify(event));
    try {
      await this.ctx.engines.broker.publish(channelTopic(channelId), bytes);
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message, type: event.type }, "broker publish failed");
    }
    this.onPayload(channelId, bytes, false);
  }

  /**
   * Every channel payload from the broker, and every event this node emits, passes here: audio
   * is relayed, JSON handled. (A local speaker's frames take `relay` instead.) Only broker
   * payloads feed the remote-stream watchdog: this node's own transmissions are not remote.
   */
  private onPayload(channelId: string, payload: Buffer, fromBroker: boolean): void {
    if (payload[0] === FRAME_KIND_AUDIO) {
      const t0 = performance.now();
      if (fromBroker) this.remote.frame(channelId, frameStreamId(payload));
      // Framing copies the payload: the broker's buffer is only ours during this call.
      this.stats.framesDelivered += this.hub.deliverAudio(channelId, payload, null);
      this.relayObserver?.((performance.now() - t0) / 1000);
      return;
    }
    let event: ServerMessage | ControlEvent;
    try {
      event = JSON.parse(payload.toString("utf8"));
    } catch {
      this.ctx.log.warn({ channelId }, "dropped an unparseable broker payload");
      return;
    }
    if (event.type.startsWith("_")) {
      this.onControl(event as ControlEvent);
      return;
    }
    const bytes = fromBroker ? Buffer.from(payload) : payload;
    switch (event.type) {
      case "speaker.started":
        if (fromBroker) this.remote.started(channelId, event.streamId, event.user.id);
        break;
      case "speaker.stopped":
        this.remote.stopped(channelId, event.streamId);
        break;
      case "channel.deleted":
        this.hub.deliverText(channelId, bytes);
        for (const s of [...this.hub.sessions(channelId)]) void this.leave(s, channelId, "revoked");
        return;
    }
    this.hub.deliverText(channelId, bytes, event.type === "message.created" ? event.message.seq : undefined);
  }

  private onControl(event: ControlEvent): void {
    const { channelId } = event;
    for (const s of [...this.hub.sessions(channelId)]) {
      switch (event.type) {
        case "_access.revoked":
          if (event.userIds.includes(s.userId)) {
            void this.leave(s, channelId, "revoked").then(() =>
              s.send({ type: "access.revoked", channelId }),
            );
          }
          break;
        case "_access.changed":
          if (s.userId === event.userId) {
            s.accessEpoch++;
            void this.accessChanged(s, channelId).catch(() => undefined);
          }
          break;
        case "_floor.preempted":
          if (s.transmission?.channelId === channelId && s.transmission.streamId === event.streamId)
            void s.transmission.end("preempted");
          break;
      }
    }
  }

  /** The user's role or speak permission changed: tell their socket, and end a transmission
   *  they may no longer make (muted, or demoted below a priority transmission's rank). */
  async accessChanged(session: Session, channelId: string): Promise<void> {
    const access = (await this.ctx.repos.channels.findWithAccess(channelId, session.userId))?.access;
    if (!access) return;
    session.send({
      type: "access.changed",
      channelId,
      myRole: access.role,
      canSpeak: access.canSpeak,
      abilities: channelAbilities(access),
    });
    const t = session.transmission;
    if (t?.channelId === channelId && !mayContinueTransmission(access, t.priority)) await t.end("revoked");
  }

  /** A remote speaker's node went quiet without `speaker.stopped` (it crashed): tell local listeners. */
  private async onRemoteStreamLost(channelId: string, streamId: number, userId: string): Promise<void> {
    const holder = await this.ctx.engines.floor.current(channelId).catch(() => undefined);
    if (holder === undefined || holder?.streamId === streamId)
      return this.remote.started(channelId, streamId, userId);
    const event: ServerMessage = {
      type: "speaker.stopped",
      channelId,
      streamId,
      userId,
      reason: "disconnected",
    };
    this.hub.deliverText(channelId, Buffer.from(JSON.stringify(event)));
  }

  // ------------------------------------------------------------------ commands → sockets

  private liveEvents(): LiveEvents {
    return {
      messageCreated: (message) =>
        this.emit(message.channelId, { type: "message.created", channelId: message.channelId, message }),
      channelUpdated: (channel) => this.emit(channel.id, { type: "channel.updated", channel }),
      channelDeleted: (channelId) => this.emit(channelId, { type: "channel.deleted", channelId }),
      accessRevoked: (channelId, userIds) =>
        this.emit(channelId, { type: "_access.revoked", channelId, userIds: [...userIds] }),
      accessChanged: (channelId, userId) =>
        this.emit(channelId, { type: "_access.changed", channelId, userId }),
    };
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /**
   * Graceful stop: refuse new sockets, end transmissions (their recordings are stored), close
   * every socket with 1012 so clients reconnect to another instance, and clean up presence.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.remote.close();
    const all = [...this.sessions];
    await Promise.all(all.map((s) => s.transmission?.end("disconnected")));
    for (const s of all) s.close(CLOSE.restart, "server restarting");
    await Promise.all(all.map((s) => this.onClose(s).catch(() => undefined)));
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }
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
