import type { Redis } from "ioredis";
import { settleWithin } from "../lib/settle-within.js";
import type { Floor, FloorClaim, FloorHolder, FloorResult, Preempt } from "./floor.js";
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
  if ARGV[3] ~= '2' and (ARGV[3] ~= '1' or cjson.decode(current).priority ~= false) then
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
    const holder: FloorHolder = {
      userId: claim.userId,
      connId: claim.connId,
      nodeId: claim.nodeId,
      streamId: claim.streamId,
      priority: claim.priority,
      since: Date.now(),
    };
    const [granted, other] = (await this.bounded(
      ACQUIRE.run(
        this.redis,
        [this.prefix + channelId],
        [
          JSON.stringify(holder),
          Math.max(1, Math.round(opts.leaseMs)),
          opts.preempt === "always" ? "2" : opts.preempt ? "1" : "0",
        ],
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

  async current(channelId: string): Promise<FloorHolder | null> {
    const json = await this.bounded(this.redis.get(this.prefix + channelId), "current");
    return json ? (JSON.parse(json) as FloorHolder) : null;
  }

  /** The connection belongs to the caller; nothing to release. */
  async close(): Promise<void> {}
}
