/**
 * WebSocket close codes and what a client must do on each (RFC 6455 §7.4; 4000–4999 are ours).
 */
export const CLOSE = {
  /** Normal closure: the client or server ended the session on purpose. Do not reconnect. */
  normal: 1000,
  /** Server going away (shutdown or redeploy): reconnect with backoff, to any instance. */
  goingAway: 1001,
  /** Frame larger than the limit (RFC 6455). Fix the client; do not retry as is. */
  tooLarge: 1009,
  /** Server restart: reconnect with backoff. */
  restart: 1012,
  /** Protocol violation (binary before auth, message before auth, garbage). Do not retry as is. */
  protocolViolation: 4400,
  /** Unauthenticated, expired or revoked token: refresh the token, then reconnect. */
  unauthenticated: 4401,
  /** No `auth` message within the deadline. Reconnect and authenticate promptly. */
  authTimeout: 4408,
  /** The user already holds the most sockets allowed (per instance): close another one (a tab,
   *  a device) first. Do not reconnect automatically. */
  tooManyConnections: 4409,
  /** Rate limited, or too slow to keep up with its own queue: reconnect with backoff. */
  rateLimited: 4429,
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/** Whether a client should reconnect after this close code (with backoff and jitter). */
export function shouldReconnect(code: number): boolean {
  return (
    code === CLOSE.goingAway ||
    code === CLOSE.restart ||
    code === CLOSE.rateLimited ||
    code === 1006 ||
    code === 1011 ||
    code === CLOSE.unauthenticated
  );
}
