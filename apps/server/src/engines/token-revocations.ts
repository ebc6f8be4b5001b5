/**
 * Revoked sessions, shared across nodes. A session is one login (one refresh-token family);
 * every access token carries its session id (`sid`). Revoking a session kills its access tokens
 * at once on every node, before they expire.
 *
 * Contract: `revokeSession(sid, untilMs)` makes `isRevoked(sid)` true on every node until
 * `untilMs` (ms since the epoch; the expiry of the longest-lived access token of the session),
 * after which the entry may be forgotten. Listeners registered with `onRevoked` on every node
 * are told, so open sockets of that session can be closed.
 */
export interface TokenRevocations {
  revokeSession(sid: string, untilMs: number): Promise<void>;
  isRevoked(sid: string): Promise<boolean>;
  onRevoked(listener: (sid: string) => void): void;
  close(): Promise<void>;
}
