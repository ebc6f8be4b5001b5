import type { Redis } from "ioredis";
import { settleWithin } from "../lib/settle-within.js";
import {
  type Floor,
  type FloorClaim,
  type FloorHolder,
  type FloorResult,
  type MultiFloorResult,
  type Preempt,
  preemptArg,
} from "./floor.js";
import { LuaScript } from "./lua-script.js";

export interface RedisFloorOptions {
  /**
   * Command connection (not closed by `close`). Give it no `commandTimeout`: the floor bounds its
   * own commands with `timeoutMs`, in a way that survives a lagging event loop (see
   * lib/settle-within.ts) — a renewal answered in time must never read as a lost lease.
   */
  redis: Redis;
  /** Key prefix; default "won:". The floor of a channel is `${prefix}floor:${channelId}`. */
  prefix?: string;
  /** How long a floor command may go unanswered before it fails; default 2,000 ms. */
  timeoutMs?: number;
}

/**
 * Grants the floor if free, pre-empts a holder with `priority: false` when ARGV[3] is "1", and
 * any holder when it is "2".
 * Returns {1, previousHolderJson or ""} on a grant, {0, holderJson} on a refusal.
 */
const ACQUIRE = new LuaScript(
  `
local current = redis.call('GET', KEYS[1])
if current then
  local h = cjson.decode(current)
  local takes = ARGV[3] == '2' or (ARGV[3] == '1' and h.priority == false)
    or (ARGV[3] == '3' and not h.emergency and not h.allCall)
  if not takes then
    return {0, current}
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, current or ''}
`,
  1,
);

/** Extends the lease if the floor is still this stream's. */
const RENEW = new LuaScript(
  `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).streamId == tonumber(ARGV[1]) then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`,
  1,
);

/** Compare-and-delete on the stream id. */
const RELEASE = new LuaScript(
  `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).streamId == tonumber(ARGV[1]) then
  return redis.call('DEL', KEYS[1])
end
return 0
`,
  1,
);

/**
 * acquireAll: every key checked first (ARGV[3] as in ACQUIRE), then every key set, in one
 * script, so no other command sees part of it. Returns {1, {key index, previousJson}...} on a
 * grant, {0, index of the first held key, holderJson} on a refusal.
 */
const ACQUIRE_ALL = new LuaScript(
  `
local currents = {}
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if current then
    local h = cjson.decode(current)
    local takes = ARGV[3] == '2' or (ARGV[3] == '1' and h.priority == false)
      or (ARGV[3] == '3' and not h.emergency and not h.allCall)
    if not takes then
      return {0, i, current}
    end
    currents[#currents + 1] = i
    currents[#currents + 1] = current
  end
end
for _, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
end
return {1, currents}
`,
  -1,
);

/** renewAll: extends every lease only if every key is still this stream's. */
const RENEW_ALL = new LuaScript(
  `
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if not current or cjson.decode(current).streamId ~= tonumber(ARGV[1]) then return 0 end
end
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[2]) end
return 1
`,
  -1,
);

/** releaseAll: compare-and-delete on each key; returns how many were deleted. */
const RELEASE_ALL = new LuaScript(
  `
local n = 0
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if current and cjson.decode(current).streamId == tonumber(ARGV[1]) then
    n = n + redis.call('DEL', key)
  end
end
return n
`,
  -1,
);

/**
 * {@link Floor} in Redis: one key per channel holding the holder as JSON with a PX lease; acquire,
 * renew and release are Lua scripts, so each is atomic against every other node. `since` is the
 * granting node's clock.
 */
export class RedisFloor implements Floor {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly timeoutMs: number;

  constructor(opts: RedisFloorOptions) {
    this.redis = opts.redis;
    this.prefix = `${opts.prefix ?? "won:"}floor:`;
    this.timeoutMs = opts.timeoutMs ?? 2_000;
  }

  private bounded<T>(p: Promise<T>, what: string): Promise<T> {
    return settleWithin(p, this.timeoutMs, `floor ${what}`);
  }

  async acquire(
    channelId: string,
    claim: FloorClaim,
    opts: { leaseMs: number; preempt: Preempt },
  ): Promise<FloorResult> {
    const holder: FloorHolder = { ...pickClaim(claim), since: Date.now() };
    const [granted, other] = (await this.bounded(
      ACQUIRE.run(
        this.redis,
        [this.prefix + channelId],
        [JSON.stringify(holder), Math.max(1, Math.round(opts.leaseMs)), preemptArg(opts.preempt)],
      ),
      "acquire",
    )) as [number, string];
    if (granted === 1)
      return { granted: true, holder, preempted: other ? (JSON.parse(other) as FloorHolder) : null };
    return { granted: false, holder: JSON.parse(other) as FloorHolder };
  }

  async renew(channelId: string, streamId: number, leaseMs: number): Promise<boolean> {
    const ok = await this.bounded(
      RENEW.run(this.redis, [this.prefix + channelId], [streamId, Math.max(1, Math.round(leaseMs))]),
      "renew",
    );
    return ok === 1;
  }

  async release(channelId: string, streamId: number): Promise<boolean> {
    return (
      (await this.bounded(RELEASE.run(this.redis, [this.prefix + channelId], [streamId]), "release")) === 1
    );
  }

  /**
   * One script over every key. In a Redis Cluster the keys would have to share a hash slot;
   * this deployment uses one primary.
   */
  async acquireAll(
    channelIds: readonly string[],
    claim: FloorClaim,
    opts: { leaseMs: number; preempt: Preempt },
  ): Promise<MultiFloorResult> {
    const ids = [...new Set(channelIds)];
    const holder: FloorHolder = { ...pickClaim(claim), since: Date.now() };
    const answer = (await this.bounded(
      ACQUIRE_ALL.run(
        this.redis,
        ids.map((id) => this.prefix + id),
        [JSON.stringify(holder), Math.max(1, Math.round(opts.leaseMs)), preemptArg(opts.preempt)],
      ),
      "acquire",
    )) as [number, ...unknown[]];
    if (answer[0] !== 1) {
      const [, index, json] = answer as [number, number, string];
      return { granted: false, channelId: ids[index - 1]!, holder: JSON.parse(json) as FloorHolder };
    }
    const flat = (answer[1] ?? []) as (number | string)[];
    const preempted: { channelId: string; holder: FloorHolder }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      preempted.push({
        channelId: ids[Number(flat[i]) - 1]!,
        holder: JSON.parse(String(flat[i + 1])) as FloorHolder,
      });
    return { granted: true, holder, preempted };
  }

  async renewAll(channelIds: readonly string[], streamId: number, leaseMs: number): Promise<boolean> {
    const keys = channelIds.map((id) => this.prefix + id);
    const ok = await this.bounded(
      RENEW_ALL.run(this.redis, keys, [streamId, Math.max(1, Math.round(leaseMs))]),
      "renew",
    );
    return ok === 1;
  }

  async releaseAll(channelIds: readonly string[], streamId: number): Promise<number> {
    const keys = [...new Set(channelIds)].map((id) => this.prefix + id);
    return Number(await this.bounded(RELEASE_ALL.run(this.redis, keys, [streamId]), "release"));
  }

  async current(channelId: string): Promise<FloorHolder | null> {
    const json = await this.bounded(this.redis.get(this.prefix + channelId), "current");
    return json ? (JSON.parse(json) as FloorHolder) : null;
  }

  /** The connection belongs to the caller; nothing to release. */
  async close(): Promise<void> {}
}

/** The claim's own fields only (a caller's object may carry more). */
function pickClaim(c: FloorClaim): FloorClaim {
  const { userId, connId, nodeId, streamId, priority, origin, emergency, allCall } = c;
  return {
    userId,
    connId,
    nodeId,
    streamId,
    priority,
    ...(origin === undefined ? {} : { origin }),
    ...(emergency ? { emergency } : {}),
    ...(allCall ? { allCall } : {}),
  };
}
