/**
 * Who is connected to which channel, across all nodes.
 *
 * Contract:
 * - An entry is (channelId, userId, connId) owned by the node that added it. One user may have
 *   several connections in a channel; they count once in `users`.
 * - `add` returns true when this is the user's first connection in the channel (announce
 *   `presence.joined`); `remove` returns true when it was the user's last (announce `presence.left`).
 * - Each node holds a lease renewed every `leaseMs / 3`. When a node stops renewing (crash,
 *   partition), its entries disappear within `leaseMs`: a live node's sweep removes them and
 *   calls the `onSwept` handler for every (channelId, userId) that is now absent. Exactly one
 *   live node sees each swept user.
 */
export interface Presence {
  add(channelId: string, userId: string, connId: string): Promise<boolean>;
  remove(channelId: string, userId: string, connId: string): Promise<boolean>;
  /** Distinct user ids present in the channel, on live nodes only. */
  users(channelId: string): Promise<string[]>;
  onSwept(handler: (channelId: string, userId: string) => void): void;
  close(): Promise<void>;
}

export interface PresenceOptions {
  nodeId: string;
  /** Lease of a node's entries; default 10_000 ms. */
  leaseMs?: number;
  /** How often live nodes look for dead nodes' entries; default leaseMs / 2. */
  sweepMs?: number;
}
