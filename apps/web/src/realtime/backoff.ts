/**
 * Reconnect policy: what to do after a socket closes (per close-codes.ts) and how long to wait.
 * Exponential backoff with "full jitter" (AWS architecture blog, 2015): the delay is uniform in
 * [base/2, min(cap, base·2^attempt)], so a venue full of phones that lost Wi-Fi together does
 * not reconnect in lockstep.
 */
import { CLOSE, shouldReconnect } from "@won/protocol";

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/** Delay before reconnect attempt `attempt` (0 = first retry). `random` is injectable for tests. */
export function backoffDelay(attempt: number, opts = DEFAULT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 20));
  const floor = Math.min(ceiling, opts.baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

export type CloseAction =
  /** Closed on purpose (sign out, or 1000 from the server): stay closed. */
  | "stop"
  /** Refresh the access token first, then reconnect. */
  | "refresh"
  /** Reconnect after a backoff delay. */
  | "retry"
  /** The client is at fault (protocol violation, frame too large): do not hammer; retry slowly. */
  | "retry-slow"
  /**
   * The account already holds as many sockets as allowed: another tab or device must close
   * first, which only the user can do. Stay closed until they ask to retry; reconnecting by
   * itself would only be refused again (or take the place of the session they want to keep).
   */
  | "wait-for-user";

/**
 * The code this client closes its own socket with when it wants a new one: heartbeat silence,
 * the browser reporting the network gone. Not a server code; reconnect with normal backoff.
 */
export const CLIENT_RECONNECT = 4000;

/** Maps a close code to an action (docs/protocol.md "Close codes"). */
export function closeAction(code: number): CloseAction {
  if (code === CLOSE.normal) return "stop";
  if (code === CLIENT_RECONNECT) return "retry";
  if (code === CLOSE.unauthenticated) return "refresh";
  if (code === CLOSE.protocolViolation || code === CLOSE.tooLarge) return "retry-slow";
  if (code === CLOSE.authTimeout) return "retry";
  if (code === CLOSE.tooManyConnections) return "wait-for-user";
  return shouldReconnect(code) || code === 1005 ? "retry" : "retry-slow";
}

/** The first attempt after a slow-retry close waits at least this long. */
export const SLOW_RETRY_MIN_MS = 15_000;
