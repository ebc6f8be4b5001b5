/**
 * One WebSocket connection: its authentication, subscriptions, the transmission it holds, and a
 * bounded writer. Everything a client can make the server hold is capped here. ("Session" is
 * the login a token belongs to; a connection is one socket.)
 */
import { randomUUID } from "node:crypto";
import { CLOSE, type ServerMessage, type StopReason, type User } from "@won/protocol";
import type { WebSocket } from "ws";
import type { AccessClaims } from "../auth/tokens.js";
import { TokenBucket } from "../lib/token-bucket.js";

/** Bytes a socket may have waiting to be written before it is deemed too slow and closed. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Channels one socket may subscribe to at once. */
export const MAX_SUBSCRIPTIONS = 64;
/** History replayed to one socket: the burst covers a reconnect that resubscribes several busy
 *  channels; a client asking for more pages the REST history (which is rate-limited per user). */
export const REPLAY_BYTES_BURST = 4 * 1024 * 1024;
export const REPLAY_BYTES_PER_S = 64 * 1024;
/** Text messages waiting to be handled; beyond this the client is flooding. */
export const MAX_PENDING_MESSAGES = 64;

export interface Subscription {
  /** While history is being replayed, live events wait here (with their seq when known) so the
   *  client sees every message exactly once, in order. Null once live. */
  pending: { bytes: Buffer; seq?: number }[] | null;
  /** Messages up to this seq were already sent by the replay. */
  replayedUpTo: number;
}

/** What a connection knows of the transmission it holds (transmission.ts implements it). */
/** What makes a transmission an emergency hot mic (see realtime/hot-mic.ts). */
export interface HotMic {
  alertId: string;
  /** The event's organisers and moderators but the speaker: they hear it by per-user delivery. */
  staff: readonly string[];
}

export interface HeldTransmission {
  readonly channelId: string;
  readonly streamId: number;
  readonly priority: boolean;
  /** Set on an emergency hot mic: the alert and the staff who hear it wherever they are. */
  readonly emergency: HotMic | null;
  readonly ended: boolean;
  /** Hot path: one validated frame of this stream from the speaker. */
  onFrame(frame: Buffer): void;
  /** Ends the transmission once, whatever asks first; later calls wait for the same end. */
  end(reason: StopReason): Promise<void>;
}

export class Connection {
  readonly id = randomUUID();
  claims: AccessClaims | null = null;
  /** The login session this socket is registered under for revocation notices. */
  watchedSid: string | null = null;
  user: User | null = null;
  readonly subscriptions = new Map<string, Subscription>();
  transmission: HeldTransmission | null = null;
  /** The last transmission this connection ended, so a late `ptt.stop` still gets `ptt.stopped`. */
  lastStream: { channelId: string; streamId: number } | null = null;
  /** Stream id of the last foreign frame reported, so a stream of bad frames earns one error. */
  lastForeignStream = -1;
  alive = true;
  closed = false;
  /** Counted in the attention engine (its page is in view); see attention.ts. */
  inView = false;
  /** Counts `access.changed` notices for this user, so a `ptt.start` that raced one re-checks. */
  accessEpoch = 0;
  /** Called once the socket has authenticated (and on close), to release its pre-auth slot. */
  onReady: () => void = () => undefined;
  pendingMessages = 0;
  readonly textRate = new TokenBucket(20, 60);
  readonly frameRate = new TokenBucket(75, 150);
  /** Bytes of history this socket may be sent by `subscribe` replays: a burst of a few full
   *  replays, refilled at REPLAY_BYTES_PER_S. */
  readonly replayBudget = new TokenBucket(REPLAY_BYTES_PER_S, REPLAY_BYTES_BURST);
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly ws: WebSocket,
    private readonly onSlow: () => void = () => undefined,
  ) {}

  get ready(): boolean {
    return this.claims !== null;
  }

  get userId(): string {
    return this.claims!.userId;
  }

  send(msg: ServerMessage): void {
    this.sendBytes(Buffer.from(JSON.stringify(msg)), false);
  }

  error(code: string, message: string, ref?: string): void {
    this.send({ type: "error", code, message, ...(ref ? { ref } : {}) });
  }

  /** Writes one WebSocket message. A socket whose backlog exceeds MAX_BUFFERED_BYTES cannot
   *  keep up: it is closed (4429) rather than allowed to grow the server's memory. */
  sendBytes(bytes: Buffer, binary: boolean): void {
    if (this.canWrite()) this.ws.send(bytes, { binary });
  }

  /**
   * Writes a binary message framed once for all listeners (lib/ws-frame.ts) straight to the
   * socket. Safe because per-message compression is off, so `ws` never holds frames back and
   * writes stay in order with its own. Same backlog rule as sendBytes.
   */
  sendFramed(framed: Buffer): void {
    if (!this.canWrite()) return;
    const socket = (this.ws as unknown as { _socket?: { write(b: Buffer): boolean } })._socket;
    if (socket) socket.write(framed);
  }

  /** Whether a message may be written now; closes (4429) a socket too slow to keep up. */
  private canWrite(): boolean {
    if (this.closed || this.ws.readyState !== 1) return false;
    if (this.ws.bufferedAmount <= MAX_BUFFERED_BYTES) return true;
    this.onSlow();
    this.close(CLOSE.rateLimited, "too slow to keep up");
    return false;
  }

  /** Closes 4401 when the access token expires, unless a fresh one arrives first. */
  setClaims(claims: AccessClaims, onExpire: () => void): void {
    this.claims = claims;
    this.onReady();
    clearTimeout(this.expiryTimer);
    // Timers take at most 2^31 - 1 ms (~24.8 days); a later expiry re-arms when that fires.
    const delay = Math.min(Math.max(0, claims.expiresAt - Date.now()), 2_147_483_647);
    this.expiryTimer = setTimeout(() => {
      if (Date.now() >= claims.expiresAt) onExpire();
      else if (this.claims === claims) this.setClaims(claims, onExpire);
    }, delay);
    this.expiryTimer.unref();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.expiryTimer);
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    // A peer that never answers the close handshake is cut off.
    setTimeout(() => this.ws.terminate(), 2_000).unref();
  }

  dispose(): void {
    this.closed = true;
    clearTimeout(this.expiryTimer);
  }
}
