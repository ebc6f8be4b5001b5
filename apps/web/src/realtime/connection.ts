/**
 * The realtime socket (docs/protocol.md "WebSocket"): connect, authenticate, heartbeat, reconnect
 * with backoff + jitter per the close-code semantics, refresh the token on 4401, and resubscribe
 * every wanted channel with `sinceSeq` so nothing is missed. UI code never touches the socket:
 * it reads the live store; the talk controller sends through `send`/`sendBinary`.
 */
import { type ClientMessage, REALTIME_PATH, ServerMessage } from "@won/protocol";
import { backoffDelay, CLIENT_RECONNECT, closeAction, SLOW_RETRY_MIN_MS } from "./backoff";
import type { ConnectionDeps, SocketStatus } from "./connection-types";
import { SeqTracker } from "./seq-tracker";

export type { ConnectionDeps, SocketStatus } from "./connection-types";

type Listener<T> = (v: T) => void;

/** WebSocket.readyState OPEN (the global may not exist where tests run). */
const WS_OPEN = 1;
/** A socket that sees no traffic for this many heartbeats is considered dead. */
const DEAD_AFTER_HEARTBEATS = 2.5;
/** Above this many queued bytes, audio frames are dropped instead of piling up. */
const MAX_BUFFERED_AUDIO = 64 * 1024;

export class RealtimeConnection {
  readonly seqs = new SeqTracker();
  status: SocketStatus = "idle";
  retryAt: number | null = null;
  /** Counters for diagnostics and tests. */
  readonly stats = {
    opened: 0,
    closed: 0,
    reconnects: 0,
    lastCloseCode: 0,
    /** The last few close codes, oldest first (diagnostics). */
    closeCodes: [] as number[],
    framesIn: 0,
    framesOut: 0,
  };

  private ws: WebSocket | null = null;
  private ready = false;
  private running = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastRx = 0;
  private heartbeatMs = 25_000;
  private readonly wanted = new Set<string>();
  /** sinceSeq sent with the pending subscribe of each channel. */
  private readonly asked = new Map<string, number | undefined>();
  private readonly statusListeners = new Set<Listener<SocketStatus>>();
  private readonly messageListeners = new Set<Listener<ServerMessage>>();
  private readonly audioListeners = new Set<Listener<Uint8Array>>();
  private readonly downListeners = new Set<Listener<number>>();
  private readonly rttListeners = new Set<Listener<number>>();
  /** Send times (performance.now) of our pings not yet answered, oldest first; the server
   *  answers in order. */
  private pingsOut: number[] = [];
  /** Whether the page is in view, and what this socket last told the server (a new socket
   *  counts as in view): a user with every page hidden is reached by Web Push instead. */
  private visible = true;
  private reportedVisible = true;

  constructor(private readonly deps: ConnectionDeps) {}

  /** The page was shown or hidden (Page Visibility); the server hears of it now or at `ready`. */
  setVisible(visible: boolean) {
    this.visible = visible;
    this.reportVisibility();
  }

  private reportVisibility() {
    if (!this.ready || this.reportedVisible === this.visible) return;
    if (this.send({ type: "client.state", visible: this.visible })) this.reportedVisible = this.visible;
  }

  onStatus(l: Listener<SocketStatus>) {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }
  onMessage(l: Listener<ServerMessage>) {
    this.messageListeners.add(l);
    return () => this.messageListeners.delete(l);
  }
  onAudio(l: Listener<Uint8Array>) {
    this.audioListeners.add(l);
    return () => this.audioListeners.delete(l);
  }

  /** Called with the close code whenever a live socket goes away (live streams must end). */
  onDown(l: Listener<number>) {
    this.downListeners.add(l);
    return () => this.downListeners.delete(l);
  }

  /** Called with the round-trip time (ms) of each of our pings when its pong arrives. */
  onRtt(l: Listener<number>) {
    this.rttListeners.add(l);
    return () => this.rttListeners.delete(l);
  }

  /** Sends a ping whose pong will be timed (talking probes the link with these). */
  probe(): boolean {
    if (!this.ready || !this.ws) return false;
    this.sendPing();
    return true;
  }

  /** How long the oldest unanswered ping has waited (ms), 0 when none. */
  get pingWaitMs(): number {
    return this.pingsOut.length ? performance.now() - this.pingsOut[0]! : 0;
  }

  get isReady() {
    return this.ready;
  }

  /** Starts connecting (idempotent). */
  start() {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.open();
  }

  /** Closes the socket for good (sign out). Subscriptions and seq bookkeeping are forgotten. */
  stop() {
    this.running = false;
    this.clearTimers();
    this.wanted.clear();
    this.asked.clear();
    this.seqs.clear();
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    if (ws) {
      this.detach(ws);
      if (ws.readyState <= WS_OPEN) ws.close(1000, "signed out");
    }
    this.setStatus("closed");
  }

  /** Reconnects now (network came back, tab became visible), skipping the backoff wait. */
  nudge() {
    if (!this.running) return;
    if (this.ws && this.ws.readyState <= WS_OPEN) return;
    this.attempt = 0;
    this.open();
  }

  /**
   * The user asks to connect again after a close that waits for them (4409: they closed another
   * tab or device). Subscriptions are kept, so the channels come back with what they missed.
   */
  retry() {
    if (this.status !== "too-many-sessions" || !this.deps.token()) return;
    this.running = true;
    this.attempt = 0;
    this.open();
  }

  /** Drops the socket as if the network failed (tests, diagnostics); reconnects per policy. */
  drop() {
    if (this.ws) this.handleClose(this.ws, CLIENT_RECONNECT, "dropped");
  }

  /** Wants live traffic of a channel: subscribes now if ready, and after every reconnect. */
  subscribe(channelId: string) {
    if (this.wanted.has(channelId)) return;
    this.wanted.add(channelId);
    if (this.ready) this.sendSubscribe(channelId);
  }

  unsubscribe(channelId: string) {
    if (!this.wanted.delete(channelId)) return;
    this.seqs.forget(channelId);
    if (this.ready) this.send({ type: "unsubscribe", channelId });
  }

  isWanted(channelId: string) {
    return this.wanted.has(channelId);
  }

  /** Sends a JSON message; false if the socket is not ready. */
  send(msg: ClientMessage): boolean {
    if (!this.ready || !this.ws) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Sends an audio frame; false (frame dropped) if not ready or the socket is backed up. */
  sendBinary(frame: Uint8Array): boolean {
    if (!this.ready || !this.ws || this.ws.bufferedAmount > MAX_BUFFERED_AUDIO) return false;
    this.ws.send(frame);
    this.stats.framesOut++;
    return true;
  }

  /** Presents a fresh access token to the live socket (after a proactive refresh). */
  reauth(token: string) {
    if (this.ready && this.ws) this.ws.send(JSON.stringify({ type: "auth", token }));
  }

  // ------------------------------------------------------------------ internals

  private open() {
    this.clearTimers();
    const token = this.deps.token();
    if (!token) {
      this.stop();
      return;
    }
    if (typeof navigator !== "undefined" && navigator.onLine === false) {
      // The "online" event nudges us back at once; this slow retry covers a wrong onLine flag.
      this.schedule(SLOW_RETRY_MIN_MS);
      return;
    }
    this.setStatus(this.stats.opened === 0 ? "connecting" : "reconnecting");
    const ws = this.deps.createSocket
      ? this.deps.createSocket(this.deps.url())
      : new WebSocket(this.deps.url());
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.ready = false;
    this.pingsOut = [];
    ws.onopen = () => {
      this.lastRx = Date.now();
      const t = this.deps.token();
      if (!t) return this.stop();
      ws.send(JSON.stringify({ type: "auth", token: t }));
    };
    ws.onmessage = (ev) => this.handleMessage(ev.data);
    ws.onclose = (ev) => this.handleClose(ws, ev.code, ev.reason);
    ws.onerror = () => {
      /* onclose follows with the code */
    };
  }

  private handleMessage(data: unknown) {
    this.lastRx = Date.now();
    if (data instanceof ArrayBuffer) {
      this.stats.framesIn++;
      const bytes = new Uint8Array(data);
      for (const l of this.audioListeners) l(bytes);
      return;
    }
    let parsed: ServerMessage;
    try {
      const r = ServerMessage.safeParse(JSON.parse(String(data)));
      if (!r.success) return; // a newer server's message type: ignore, never crash
      parsed = r.data;
    } catch {
      return;
    }
    switch (parsed.type) {
      case "ready":
        this.onReady(parsed.heartbeatMs);
        break;
      case "ping":
        this.ws?.send(JSON.stringify({ type: "pong" }));
        return;
      case "pong": {
        const sent = this.pingsOut.shift();
        if (sent !== undefined) for (const l of this.rttListeners) l(performance.now() - sent);
        return;
      }
      case "subscribed":
        this.seqs.subscribed(parsed.channelId, this.asked.get(parsed.channelId), parsed.lastSeq);
        this.asked.delete(parsed.channelId);
        break;
      case "message.created":
        // Listeners see the message before the tracker moves on, so they can ask isMissedAudio.
        for (const l of this.messageListeners) l(parsed);
        this.seqs.see(parsed.channelId, parsed.message.seq);
        return;
      case "access.revoked":
      case "channel.deleted":
        this.wanted.delete(parsed.channelId);
        break;
    }
    for (const l of this.messageListeners) l(parsed);
  }

  private onReady(heartbeatMs: number) {
    this.ready = true;
    this.stats.opened++;
    if (this.stats.opened > 1) this.stats.reconnects++;
    this.attempt = 0;
    this.heartbeatMs = heartbeatMs > 0 ? heartbeatMs : 25_000;
    this.setStatus("open");
    this.reportedVisible = true;
    this.reportVisibility();
    for (const id of this.wanted) this.sendSubscribe(id);
    this.heartbeatTimer = setInterval(() => this.heartbeat(), Math.min(this.heartbeatMs, 15_000));
  }

  private heartbeat() {
    if (!this.ws || !this.ready) return;
    if (Date.now() - this.lastRx > this.heartbeatMs * DEAD_AFTER_HEARTBEATS) {
      this.handleClose(this.ws, CLIENT_RECONNECT, "heartbeat timeout");
      return;
    }
    this.sendPing();
  }

  private sendPing() {
    this.ws!.send(JSON.stringify({ type: "ping" }));
    // Bounded: a server that stopped answering is caught by the heartbeat long before this.
    if (this.pingsOut.push(performance.now()) > 64) this.pingsOut.shift();
  }

  private sendSubscribe(channelId: string) {
    const sinceSeq = this.seqs.lastSeq(channelId);
    this.asked.set(channelId, sinceSeq);
    this.send(
      sinceSeq === undefined ? { type: "subscribe", channelId } : { type: "subscribe", channelId, sinceSeq },
    );
  }

  private handleClose(ws: WebSocket, code: number, _reason: string) {
    if (ws !== this.ws) return;
    this.detach(ws);
    if (ws.readyState <= WS_OPEN) ws.close(CLIENT_RECONNECT, "client reconnect");
    this.ws = null;
    this.ready = false;
    this.clearTimers();
    this.pingsOut = [];
    this.stats.closed++;
    this.stats.lastCloseCode = code;
    this.stats.closeCodes = [...this.stats.closeCodes.slice(-9), code];
    for (const l of this.downListeners) l(code);
    if (!this.running) return;
    const action = closeAction(code);
    if (action === "stop") {
      this.running = false;
      this.setStatus("closed");
      return;
    }
    if (action === "wait-for-user") {
      // Not running, so neither nudge() nor a timer reconnects; retry() does.
      this.running = false;
      this.setStatus("too-many-sessions");
      return;
    }
    if (action === "refresh") {
      this.setStatus("reconnecting");
      this.deps.refresh().then(
        (t) => {
          if (!this.running) return;
          if (t) this.schedule(0);
          else {
            this.stop();
            this.deps.onSessionEnded();
          }
        },
        () => this.schedule(backoffDelay(this.attempt++, undefined, this.deps.random)),
      );
      return;
    }
    const delay = backoffDelay(this.attempt++, undefined, this.deps.random);
    this.schedule(action === "retry-slow" ? Math.max(delay, SLOW_RETRY_MIN_MS) : delay);
  }

  private schedule(delayMs: number) {
    this.clearTimers();
    this.retryAt = Date.now() + delayMs;
    this.setStatus(
      typeof navigator !== "undefined" && navigator.onLine === false ? "offline" : "reconnecting",
    );
    this.retryTimer = setTimeout(() => {
      this.retryAt = null;
      this.open();
    }, delayMs);
  }

  private detach(ws: WebSocket) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  }

  private clearTimers() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.retryTimer = this.heartbeatTimer = null;
  }

  private setStatus(s: SocketStatus) {
    if (s !== "reconnecting") this.retryAt = null;
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }
}

/** `ws://host/api/v1/realtime` (REALTIME_PATH) or `wss://…` from the page's own origin. */
export function realtimeUrl(loc: { protocol: string; host: string } = location): string {
  return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}${REALTIME_PATH}`;
}
