import type { Redis } from "ioredis";
import type { Broker } from "./broker.js";
import { consoleLogger, type EngineLogger } from "./engine-logger.js";
import { LuaScript } from "./lua-script.js";
import type { TokenRevocations } from "./token-revocations.js";

export interface RedisTokenRevocationsOptions {
  /** Command connection (shared with the other engines; not closed by `close`). */
  redis: Redis;
  /** Carries revocation notices between nodes (on topic {@link REVOCATIONS_TOPIC}). */
  broker: Broker;
  /** Key prefix; default "won:". A revoked session is `${prefix}revoked:${sid}`. */
  prefix?: string;
  logger?: EngineLogger;
}

/** Broker topic of revocation notices; channel topics must not use it. */
export const REVOCATIONS_TOPIC = "sys:revocations";
/** Most revoked sessions remembered locally (a cache: Redis is the record). */
const MAX_CACHED = 100_000;
/** Bound on SCAN rounds when catching up after a broker reconnect. */
const MAX_SCAN_ROUNDS = 1_000;

/** Stores `untilMs` with a TTL to match, unless the session is already revoked for longer. */
const REVOKE = new LuaScript(
  `
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
`,
  1,
);

interface Notice {
  sid: string;
  untilMs: number;
}

/**
 * {@link TokenRevocations} in Redis: one key per revoked session with a PX TTL ending at `untilMs`
 * (Redis forgets it then), plus a notice on the broker so `onRevoked` fires on every node. The
 * revoking node tells its own listeners directly (the broker drops its own echo), so each node
 * hears each revocation once.
 *
 * `isRevoked` answers from a local cache of notices first and asks Redis otherwise, so a notice
 * lost in a broker outage still counts. After such an outage the node scans the revoked keys and
 * tells its listeners about sessions it had not heard of.
 */
export class RedisTokenRevocations implements TokenRevocations {
  private readonly redis: Redis;
  private readonly broker: Broker;
  private readonly keyPrefix: string;
  private readonly logger: EngineLogger;
  private readonly listeners: ((sid: string) => void)[] = [];
  /** sid → untilMs of revocations this node has heard of; insertion order is oldest first. */
  private readonly known = new Map<string, number>();
  private readonly subscribed: Promise<() => Promise<void>>;
  private closed = false;

  constructor(opts: RedisTokenRevocationsOptions) {
    this.redis = opts.redis;
    this.broker = opts.broker;
    this.keyPrefix = `${opts.prefix ?? "won:"}revoked:`;
    this.logger = opts.logger ?? consoleLogger;
    this.subscribed = this.broker.subscribe(REVOCATIONS_TOPIC, (payload) => this.onNotice(payload));
    this.subscribed.catch((err) => this.logger.error({ err }, "revocations: subscribe failed"));
    this.broker.onStateChange((up) => {
      if (up && !this.closed) void this.catchUp();
    });
  }

  /** Resolves once this node listens for other nodes' revocations. */
  ready(): Promise<void> {
    return this.subscribed.then(() => {});
  }

  async revokeSession(sid: string, untilMs: number): Promise<void> {
    const ttl = Math.ceil(untilMs - Date.now());
    if (ttl > 0) {
      await REVOKE.run(this.redis, [this.keyPrefix + sid], [untilMs, ttl]);
    }
    await this.broker.publish(
      REVOCATIONS_TOPIC,
      Buffer.from(JSON.stringify({ sid, untilMs } satisfies Notice)),
    );
    this.heard(sid, untilMs);
  }

  async isRevoked(sid: string): Promise<boolean> {
    const until = this.known.get(sid);
    if (until !== undefined) {
      if (until > Date.now()) return true;
      this.known.delete(sid);
    }
    return (await this.redis.exists(this.keyPrefix + sid)) === 1;
  }

  onRevoked(listener: (sid: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const unsubscribe = await this.subscribed.catch(() => null);
    await unsubscribe?.();
  }

  private onNotice(payload: Buffer): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload.toString("utf8")) as Notice;
    } catch (err) {
      this.logger.warn({ err }, "revocations: malformed notice");
      return;
    }
    if (typeof notice.sid !== "string" || typeof notice.untilMs !== "number") return;
    this.heard(notice.sid, notice.untilMs);
  }

  /** Records a revocation and tells the listeners. */
  private heard(sid: string, untilMs: number): void {
    if (this.closed) return;
    const now = Date.now();
    const before = this.known.get(sid) ?? 0;
    this.known.delete(sid);
    if (Math.max(before, untilMs) > now) {
      this.known.set(sid, Math.max(before, untilMs));
      this.trim(now);
    }
    for (const listener of this.listeners) {
      try {
        listener(sid);
      } catch (err) {
        this.logger.error({ err }, "onRevoked listener threw");
      }
    }
  }

  private trim(now: number): void {
    if (this.known.size <= MAX_CACHED) return;
    for (const [sid, until] of this.known) {
      if (this.known.size <= MAX_CACHED) break;
      if (until <= now || this.known.size > MAX_CACHED) this.known.delete(sid);
    }
  }

  /** After a broker outage: finds revocations whose notices were missed. */
  private async catchUp(): Promise<void> {
    try {
      let cursor = "0";
      for (let round = 0; round < MAX_SCAN_ROUNDS && !this.closed; round++) {
        const [next, keys] = await this.redis.scan(cursor, "MATCH", `${this.keyPrefix}*`, "COUNT", 500);
        for (const key of keys) {
          const sid = key.slice(this.keyPrefix.length);
          if (this.known.has(sid)) continue;
          const until = Number(await this.redis.get(key));
          if (until > Date.now()) this.heard(sid, until);
        }
        cursor = next;
        if (cursor === "0") break;
      }
    } catch (err) {
      this.logger.warn({ err }, "revocations: catch-up after reconnect failed");
    }
  }
}
