import type { FloorHolder } from "./floor.js";

/**
 * The state the memory engines share: what Redis is to the Redis engines. Every memory engine
 * serves ONE process; a hub lets several of them in that process act as separate nodes of one
 * deployment (no own echo, presence sweep of a node that stopped renewing, one floor holder), which
 * is how the conformance suites run the memory engines through the same multi-node tests as Redis.
 *
 * An embedded server uses one hub for its one node. Tests create a hub per test so that they do
 * not see each other's state; `defaultHub` exists only for callers that do not care.
 */
export class MemoryHub {
  /** Broker: the nodes subscribed to each topic. */
  readonly topics = new Map<string, Set<MemoryBrokerNode>>();
  /** Presence, laid out like the Redis keys (see presence.redis.ts). */
  readonly presence: MemoryPresenceState = {
    leases: new Map(),
    conns: new Map(),
    userCounts: new Map(),
    nodeEntries: new Map(),
  };
  /** Presence of a second kind, laid out the same: which users have the app in view (`attention`). */
  readonly attention: MemoryPresenceState = {
    leases: new Map(),
    conns: new Map(),
    userCounts: new Map(),
    nodeEntries: new Map(),
  };
  /** Floor holder per channel, with the lease end (ms since the epoch). */
  readonly floors = new Map<string, { holder: FloorHolder; expiresAt: number }>();
  /** Rate-limit windows per key; insertion order is window-start order, oldest first. */
  readonly rates = new Map<string, { count: number; resetAt: number }>();
  /** Revoked session ids with the time (ms since the epoch) until which they stay revoked. */
  readonly revocations = new Map<string, number>();
  /** One listener per revocation node on this hub. */
  readonly revocationNodes = new Set<(sid: string) => void>();
}

/** A broker node as the hub sees it. */
export interface MemoryBrokerNode {
  readonly nodeId: string;
  deliver(topic: string, payload: Buffer, fromNode: string): void;
}

export interface MemoryPresenceState {
  /** Lease end (ms since the epoch) per node id; a node without a live lease is dead. */
  leases: Map<string, number>;
  /** channelId → connId → owner. */
  conns: Map<string, Map<string, { userId: string; nodeId: string }>>;
  /** channelId → userId → connections on any node. */
  userCounts: Map<string, Map<string, number>>;
  /** nodeId → channelId → connId → userId: what a node owns, for the sweep. */
  nodeEntries: Map<string, Map<string, Map<string, string>>>;
}

/** A process-wide hub for callers that do not pass one. */
export const defaultHub = new MemoryHub();
