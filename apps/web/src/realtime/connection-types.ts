/** What the realtime socket (connection.ts) reports and needs. */

/**
 * `too-many-sessions`: closed 4409 (the account holds the most sockets allowed). Nothing
 * reconnects by itself — not backoff, not the network returning — until `retry()`.
 */
export type SocketStatus =
  | "idle"
  | "connecting"
  | "open"
  | "reconnecting"
  | "offline"
  | "too-many-sessions"
  | "closed";

export interface ConnectionDeps {
  url: () => string;
  /** The current access token, or null when signed out. */
  token: () => string | null;
  /** Refreshes the tokens; resolves to a new access token, or null if the session is over. */
  refresh: () => Promise<string | null>;
  /** Called when the session is over (refresh rejected): the app signs out. */
  onSessionEnded: () => void;
  createSocket?: (url: string) => WebSocket;
  random?: () => number;
}
