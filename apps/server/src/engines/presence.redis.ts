import type { Redis } from "ioredis";
import { consoleLogger, type EngineLogger } from "./engine-logger.js";
import { LuaScript } from "./lua-script.js";
import type { Presence, PresenceOptions } from "./presence.js";

export interface RedisPresenceOptions extends PresenceOptions {
  /** Command connection (shared with the other engines; not closed by `close`). */
  redis: Redis;
  /** Key prefix; default "won:". */
  prefix?: string;
  logger?: EngineLogger;
}

// Keys, all under `${prefix}presence:`
//   lease:{node}      string with PX TTL: the node is alive while it exists
//   nodes             set of node ids that have (had) entries: where the sweep looks
//   node:{node}       hash "{len(channel)}:{channel}{conn}" → userId: what a node owns
//   conns:{channel}   hash connId → "{userId}|{nodeId}"
//   users:{channel}   hash userId → number of connections on any node
// Scripts touch keys they derive (lease and per-channel keys), so they suit one Redis (or one
// shard), not a Cluster spread of these keys.

const ADD = new LuaScript(
  `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3]) == 0 then
  return {0, 1}
end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[3])
local hadLease = redis.call('SET', KEYS[5], '1', 'PX', ARGV[5], 'GET')
local n = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
return {n == 1 and 1 or 0, hadLease and 1 or 0}
`,
  5,
);

const REMOVE = new LuaScript(
  `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] .. '|' .. ARGV[3] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[4])
if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
  return 1
end
return 0
`,
  3,
);

/** Distinct users of a channel whose entries belong to nodes with a live lease. */
const USERS = new LuaScript(
  `
local all = redis.call('HGETALL', KEYS[1])
local alive, seen, out = {}, {}, {}
for i = 1, #all, 2 do
  local v = all[i + 1]
  local sep = string.find(v, '|[^|]*$')
  local user, node = string.sub(v, 1, sep - 1), string.sub(v, sep + 1)
  local ok = alive[node]
  if ok == nil then
    ok = redis.call('EXISTS', ARGV[1] .. 'lease:' .. node) == 1
    alive[node] = ok
  end
  if ok and not seen[user] then
    seen[user] = true
    out[#out + 1] = user
  end
end
return out
`,
  1,
);

/**
 * Removes every entry of every node (other than the caller) whose lease is gone, atomically, and
 * returns a flat list channel, user, channel, user … of users left with no connection in that
 * channel. Being one script, each swept user is reported to exactly one caller.
 */
const SWEEP = new LuaScript(
  `
local base, self = ARGV[1], ARGV[2]
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if node ~= self and redis.call('EXISTS', base .. 'lease:' .. node) == 0 then
    local idx = base .. 'node:' .. node
    local entries = redis.call('HGETALL', idx)
    for i = 1, #entries, 2 do
      local field, user = entries[i], entries[i + 1]
      local colon = string.find(field, ':', 1, true)
      local len = tonumber(string.sub(field, 1, colon - 1))
      local channel = string.sub(field, colon + 1, colon + len)
      local conn = string.sub(field, colon + len + 1)
      local conns = base .. 'conns:' .. channel
      if redis.call('HGET', conns, conn) == user .. '|' .. node then
        redis.call('HDEL', conns, conn)
        local users = base .. 'users:' .. channel
        if redis.call('HINCRBY', users, user, -1) <= 0 then
          redis.call('HDEL', users, user)
          out[#out + 1] = channel
          out[#out + 1] = user
        end
      end
    end
    redis.call('DEL', idx)
    redis.call('SREM', KEYS[1], node)
  end
end
return out
`,
  1,
);

/**
 * {@link Presence} in Redis with per-node leases (layout above). Each node renews
 * `lease:{node}` every `leaseMs / 3` and sweeps every `sweepMs`; a node whose lease is gone has
 * its entries removed by one live node's sweep (one Lua script, so exactly one node reports each
 * swept user through `onSwept`).
 *
 * The node keeps a mirror of its own entries. If it finds its lease gone while it is alive (a
 * pause longer than the lease, a Redis restart), its entries may have been swept, so it writes them
 * back.
 *
 * `close()` stops renewing and sweeping and leaves the entries behind, like a crash; remove
 * connections first for a clean shutdown.
 */
export class RedisPresence implements Presence {
  private readonly nodeId: string;
  private readonly redis: Redis;
  private readonly base: string;
  private readonly leaseKey: string;
  private readonly leaseMs: number;
  private readonly logger: EngineLogger;
  private readonly sweptHandlers: ((channelId: string, userId: string) => void)[] = [];
  /** channelId → connId → userId, this node's own entries. */
  private readonly mine = new Map<string, Map<string, string>>();
  private readonly renewTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private sweeping = false;
  private restoring: Promise<void> | null = null;
  private closed = false;

  constructor(opts: RedisPresenceOptions) {
    // Entries are stored as "{userId}|{nodeId}" and split at the last "|".
    if (opts.nodeId.includes("|")) throw new Error('presence nodeId must not contain "|"');
    this.nodeId = opts.nodeId;
    this.redis = opts.redis;
    this.base = `${opts.prefix ?? "won:"}presence:`;
    this.leaseKey = `${this.base}lease:${this.nodeId}`;
    this.leaseMs = opts.leaseMs ?? 10_000;
    this.logger = opts.logger ?? consoleLogger;
    void this.renew();
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    const sweepMs = opts.sweepMs ?? Math.max(1, Math.floor(this.leaseMs / 2));
    this.sweepTimer = setInterval(() => void this.sweep(), sweepMs);
    this.sweepTimer.unref();
  }

  async add(channelId: string, userId: string, connId: string): Promise<boolean> {
    this.assertOpen();
    let conns = this.mine.get(channelId);
    if (!conns) {
      conns = new Map();
      this.mine.set(channelId, conns);
    }
    const had = conns.get(connId);
    conns.set(connId, userId);
    let reply: [number, number];
    try {
      reply = (await this.runAdd(channelId, userId, connId)) as [number, number];
    } catch (err) {
      // Not recorded in Redis, so not ours to restore later either.
      if (had === undefined && conns.get(connId) === userId) conns.delete(connId);
      if (conns.size === 0 && this.mine.get(channelId) === conns) this.mine.delete(channelId);
      throw err;
    }
    const [first, hadLease] = reply;
    if (hadLease === 0) this.leaseLost();
    return first === 1;
  }

  async remove(channelId: string, userId: string, connId: string): Promise<boolean> {
    this.assertOpen();
    const conns = this.mine.get(channelId);
    if (conns?.get(connId) === userId) {
      conns.delete(connId);
      if (conns.size === 0) this.mine.delete(channelId);
    }
    const last = await REMOVE.run(
      this.redis,
      [this.key("conns", channelId), this.key("users", channelId), this.key("node", this.nodeId)],
      [connId, userId, this.nodeId, entryField(channelId, connId)],
    );
    return last === 1;
  }

  async users(channelId: string): Promise<string[]> {
    return (await USERS.run(this.redis, [this.key("conns", channelId)], [this.base])) as string[];
  }

  onSwept(handler: (channelId: string, userId: string) => void): void {
    this.sweptHandlers.push(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renewTimer);
    clearInterval(this.sweepTimer);
    await this.restoring;
  }

  private runAdd(channelId: string, userId: string, connId: string): Promise<unknown> {
    return ADD.run(
      this.redis,
      [
        this.key("conns", channelId),
        this.key("users", channelId),
        this.key("node", this.nodeId),
        `${this.base}nodes`,
        this.leaseKey,
      ],
      [connId, userId, this.nodeId, entryField(channelId, connId), this.leaseMs],
    );
  }

  private async renew(): Promise<void> {
    if (this.closed) return;
    try {
      const previous = await this.redis.set(this.leaseKey, "1", "PX", this.leaseMs, "GET");
      if (previous === null) this.leaseLost();
    } catch (err) {
      this.logger.warn({ err, nodeId: this.nodeId }, "presence lease renewal failed");
    }
  }

  /** Our lease had expired: live nodes may have swept our entries, so write them back. */
  private leaseLost(): void {
    if (this.mine.size === 0 || this.restoring || this.closed) return;
    this.restoring = (async () => {
      let restored = 0;
      for (const [channelId, conns] of [...this.mine]) {
        for (const [connId, userId] of [...conns]) {
          if (this.closed) return;
          if (this.mine.get(channelId)?.get(connId) !== userId) continue; // removed meanwhile
          const [added] = (await this.runAdd(channelId, userId, connId)) as [number, number];
          restored += added;
        }
      }
      if (restored > 0) this.logger.warn({ nodeId: this.nodeId, restored }, "presence lease was lost");
    })()
      .catch((err) => this.logger.warn({ err, nodeId: this.nodeId }, "presence restore failed"))
      .finally(() => {
        this.restoring = null;
      });
  }

  private async sweep(): Promise<void> {
    if (this.closed || this.sweeping) return;
    this.sweeping = true;
    try {
      const swept = (await SWEEP.run(
        this.redis,
        [`${this.base}nodes`],
        [this.base, this.nodeId],
      )) as string[];
      for (let i = 0; i + 1 < swept.length; i += 2) this.report(swept[i]!, swept[i + 1]!);
    } catch (err) {
      this.logger.warn({ err, nodeId: this.nodeId }, "presence sweep failed");
    } finally {
      this.sweeping = false;
    }
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

  private key(kind: "conns" | "users" | "node", id: string): string {
    return `${this.base}${kind}:${id}`;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("presence is closed");
  }
}

/** Field of the node index: the channel id prefixed with its UTF-8 length, so any characters are safe. */
function entryField(channelId: string, connId: string): string {
  return `${Buffer.byteLength(channelId)}:${channelId}${connId}`;
}
