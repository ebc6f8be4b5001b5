import { consoleLogger, type EngineLogger } from "./engine-logger.js";
import { defaultHub, type MemoryHub } from "./memory-hub.js";
import type { Presence, PresenceOptions } from "./presence.js";

export interface MemoryPresenceOptions extends PresenceOptions {
  /** Nodes on one hub share presence; default: the process-wide hub. */
  hub?: MemoryHub;
  logger?: EngineLogger;
  /** Which of the hub's presence spaces (like the Redis key prefix); default "presence". */
  space?: "presence" | "attention";
}

/**
 * In-process {@link Presence}. It serves ONE process only; several instances on one
 * {@link MemoryHub} act as nodes of one deployment, with the same lease and sweep rules as the
 * Redis implementation (a node renews its lease every `leaseMs / 3`; live nodes sweep the entries
 * of nodes whose lease ran out and report each swept user once).
 *
 * `close()` stops renewing and sweeping and leaves the node's entries behind, like a crash: they
 * vanish from `users` once the lease runs out and a live node sweeps them. Remove connections
 * before closing for a clean shutdown.
 */
export class MemoryPresence implements Presence {
  private readonly nodeId: string;
  private readonly leaseMs: number;
  private readonly state: MemoryHub["presence"];
  private readonly logger: EngineLogger;
  private readonly sweptHandlers: ((channelId: string, userId: string) => void)[] = [];
  private readonly renewTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(opts: MemoryPresenceOptions) {
    this.nodeId = opts.nodeId;
    this.leaseMs = opts.leaseMs ?? 10_000;
    this.state = (opts.hub ?? defaultHub)[opts.space ?? "presence"];
    this.logger = opts.logger ?? consoleLogger;
    this.renew();
    this.renewTimer = setInterval(() => this.renew(), Math.max(1, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    this.sweepTimer = setInterval(
      () => this.sweep(),
      opts.sweepMs ?? Math.max(1, Math.floor(this.leaseMs / 2)),
    );
    this.sweepTimer.unref();
  }

  async add(channelId: string, userId: string, connId: string): Promise<boolean> {
    this.assertOpen();
    this.renew();
    const { conns, userCounts, nodeEntries } = this.state;
    const channel = getOrCreate(conns, channelId, () => new Map());
    if (channel.has(connId)) return false;
    channel.set(connId, { userId, nodeId: this.nodeId });
    const mine = getOrCreate(nodeEntries, this.nodeId, () => new Map());
    getOrCreate(mine, channelId, () => new Map()).set(connId, userId);
    const counts = getOrCreate(userCounts, channelId, () => new Map());
    const n = (counts.get(userId) ?? 0) + 1;
    counts.set(userId, n);
    return n === 1;
  }

  async remove(channelId: string, userId: string, connId: string): Promise<boolean> {
    this.assertOpen();
    const owner = this.state.conns.get(channelId)?.get(connId);
    if (!owner || owner.userId !== userId || owner.nodeId !== this.nodeId) return false;
    return this.removeEntry(channelId, connId, owner.userId, owner.nodeId);
  }

  async users(channelId: string): Promise<string[]> {
    const channel = this.state.conns.get(channelId);
    if (!channel) return [];
    const now = Date.now();
    const seen = new Set<string>();
    for (const { userId, nodeId } of channel.values()) {
      if ((this.state.leases.get(nodeId) ?? 0) > now) seen.add(userId);
    }
    return [...seen];
  }

  onSwept(handler: (channelId: string, userId: string) => void): void {
    this.sweptHandlers.push(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renewTimer);
    clearInterval(this.sweepTimer);
  }

  private renew(): void {
    if (!this.closed) this.state.leases.set(this.nodeId, Date.now() + this.leaseMs);
  }

  /** Removes the entries of every node whose lease ran out; reports users now absent. */
  private sweep(): void {
    const now = Date.now();
    const { leases, nodeEntries } = this.state;
    for (const [nodeId, channels] of nodeEntries) {
      if (nodeId === this.nodeId || (leases.get(nodeId) ?? 0) > now) continue;
      nodeEntries.delete(nodeId);
      leases.delete(nodeId);
      for (const [channelId, entries] of channels) {
        for (const [connId, userId] of entries) {
          if (this.removeEntry(channelId, connId, userId, nodeId)) this.report(channelId, userId);
        }
      }
    }
  }

  /** Deletes one entry; true when it was the user's last connection in the channel. */
  private removeEntry(channelId: string, connId: string, userId: string, nodeId: string): boolean {
    const { conns, userCounts, nodeEntries } = this.state;
    const channel = conns.get(channelId);
    const owner = channel?.get(connId);
    if (!channel || !owner || owner.userId !== userId || owner.nodeId !== nodeId) return false;
    channel.delete(connId);
    if (channel.size === 0) conns.delete(channelId);
    const perNode = nodeEntries.get(nodeId);
    const perChannel = perNode?.get(channelId);
    perChannel?.delete(connId);
    if (perChannel?.size === 0) perNode?.delete(channelId);
    const counts = userCounts.get(channelId);
    const n = (counts?.get(userId) ?? 1) - 1;
    if (n > 0) {
      counts?.set(userId, n);
      return false;
    }
    counts?.delete(userId);
    if (counts?.size === 0) userCounts.delete(channelId);
    return true;
  }

  private report(channelId: string, userId: string): void {
    for (const handler of this.sweptHandlers) {
      try {
        handler(channelId, userId);
      } catch (err) {
        this.logger.error({ err }, "presence onSwept handler threw");
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("presence is closed");
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
