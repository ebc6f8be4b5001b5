import { randomBytes } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import type { Broker } from "./broker.js";
import { MemoryBroker } from "./broker.memory.js";
import { RedisBroker } from "./broker.redis.js";
import { consoleLogger, type EngineLogger } from "./engine-logger.js";
import type { Floor } from "./floor.js";
import { MemoryFloor } from "./floor.memory.js";
import { RedisFloor } from "./floor.redis.js";
import { MemoryHub } from "./memory-hub.js";
import type { Presence } from "./presence.js";
import { MemoryPresence } from "./presence.memory.js";
import { RedisPresence } from "./presence.redis.js";
import type { RateLimiter } from "./rate-limiter.js";
import { MemoryRateLimiter } from "./rate-limiter.memory.js";
import { RedisRateLimiter } from "./rate-limiter.redis.js";
import { quit, withTimeout } from "./redis-connection.js";
import type { TokenRevocations } from "./token-revocations.js";
import { MemoryTokenRevocations } from "./token-revocations.memory.js";
import { RedisTokenRevocations } from "./token-revocations.redis.js";

export type { Broker, BrokerHandler } from "./broker.js";
export type { EngineLogger } from "./engine-logger.js";
export type { Floor, FloorClaim, FloorHolder, FloorResult, Preempt } from "./floor.js";
export { MemoryHub } from "./memory-hub.js";
export type { Presence, PresenceOptions } from "./presence.js";
export type { RateLimiter, RateLimitResult } from "./rate-limiter.js";
export type { TokenRevocations } from "./token-revocations.js";
export { REVOCATIONS_TOPIC } from "./token-revocations.redis.js";

export interface EnginesOptions {
  /** `redis://…`: Redis engines (any number of nodes). Absent: memory engines (one process). */
  redisUrl?: string;
  /** This node's id, carried with every broker publication; default 8 random bytes in hex. */
  nodeId?: string;
  /** Prefix of every Redis key and pub/sub channel; default "won:". */
  prefix?: string;
  /** Presence lease of this node; default 10_000 ms. */
  presenceLeaseMs?: number;
  logger?: EngineLogger;
  /** Memory engines only: the hub to share (tests running several nodes); default a fresh hub. */
  hub?: MemoryHub;
}

/** The engines of one server node. */
export interface Engines {
  readonly nodeId: string;
  readonly broker: Broker;
  readonly presence: Presence;
  /**
   * Which users have the app in view, across nodes: presence keyed by user (`add(userId, userId,
   * connId)` for each visible socket). A user absent here is reached by Web Push.
   */
  readonly attention: Presence;
  readonly floor: Floor;
  readonly rateLimiter: RateLimiter;
  readonly revocations: TokenRevocations;
  /** Stops timers and subscriptions and closes the Redis connections. */
  close(): Promise<void>;
  /** Whether the shared transport answers (for /readyz); memory engines are always healthy. */
  healthy(): Promise<boolean>;
}

/** How long `healthy` waits for Redis' PING. */
const PING_TIMEOUT_MS = 1_000;

/**
 * Builds a node's engines: memory engines without `redisUrl` (one process, its own fresh hub unless
 * `hub` is given), Redis engines with it. Redis engines use three connections: one for commands
 * (publish, scripts), one the broker subscribes on (revocation notices travel on the broker), and
 * one for the floor, which times its commands out itself.
 */
export function createEngines(opts: EnginesOptions = {}): Engines {
  const nodeId = opts.nodeId ?? randomBytes(8).toString("hex");
  const logger = opts.logger ?? consoleLogger;
  return opts.redisUrl
    ? createRedisEngines(opts.redisUrl, nodeId, logger, opts)
    : createMemoryEngines(nodeId, logger, opts);
}

function createMemoryEngines(nodeId: string, logger: EngineLogger, opts: EnginesOptions): Engines {
  const hub = opts.hub ?? new MemoryHub();
  const broker = new MemoryBroker({ nodeId, hub, logger });
  const presence = new MemoryPresence({ nodeId, hub, logger, leaseMs: opts.presenceLeaseMs });
  const attention = new MemoryPresence({
    nodeId,
    hub,
    logger,
    leaseMs: opts.presenceLeaseMs,
    space: "attention",
  });
  const floor = new MemoryFloor({ hub });
  const rateLimiter = new MemoryRateLimiter({ hub });
  const revocations = new MemoryTokenRevocations({ hub, logger });
  return {
    nodeId,
    broker,
    presence,
    attention,
    floor,
    rateLimiter,
    revocations,
    async close() {
      await closeAll([revocations, presence, attention, floor, rateLimiter]);
      await broker.close();
    },
    healthy: () => broker.healthy(),
  };
}

function createRedisEngines(
  url: string,
  nodeId: string,
  logger: EngineLogger,
  opts: EnginesOptions,
): Engines {
  const prefix = opts.prefix ?? "won:";
  const common: RedisOptions = {
    connectionName: `won-${nodeId}`,
    // Reconnect quickly and keep trying; fail commands after a couple of attempts so that callers
    // answer 503 instead of hanging through an outage.
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    maxRetriesPerRequest: 2,
    // A Redis that stops answering (paused, overloaded) must not hang requests: they fail and
    // the caller answers 503. Pub/sub subscriptions are not commands and are not affected.
    commandTimeout: 2_000,
  };
  // Commands issued in one event-loop turn (revocation checks, rate-limit hits, PUBLISHes of
  // many requests and frames) go out as one write: on a busy instance that is one syscall and one
  // Redis read for dozens of commands instead of one each.
  const redis = watch(new Redis(url, { ...common, enableAutoPipelining: true }), "commands", logger);
  const subscriber = watch(
    new Redis(url, { ...common, connectionName: `won-${nodeId}-sub`, autoResubscribe: false }),
    "subscriber",
    logger,
  );
  const broker = new RedisBroker({ nodeId, redis, subscriber, prefix, logger });
  const presence = new RedisPresence({ nodeId, redis, prefix, logger, leaseMs: opts.presenceLeaseMs });
  const attention = new RedisPresence({
    nodeId,
    redis,
    prefix: `${prefix}attention:`,
    logger,
    leaseMs: opts.presenceLeaseMs,
  });
  // The floor has its own connection without ioredis' commandTimeout: it bounds its commands
  // itself so that a loop stall never turns an answered lease renewal into a timeout.
  const floorConn = watch(
    new Redis(url, {
      ...common,
      connectionName: `won-${nodeId}-floor`,
      commandTimeout: undefined,
      enableAutoPipelining: true,
    }),
    "floor",
    logger,
  );
  const floor = new RedisFloor({ redis: floorConn, prefix, timeoutMs: common.commandTimeout });
  const rateLimiter = new RedisRateLimiter({ redis, prefix });
  const revocations = new RedisTokenRevocations({ redis, broker, prefix, logger });
  return {
    nodeId,
    broker,
    presence,
    attention,
    floor,
    rateLimiter,
    revocations,
    async close() {
      await closeAll([revocations, presence, attention, floor, rateLimiter]);
      await broker.close();
      await Promise.all([quit(redis), quit(subscriber), quit(floorConn)]);
    },
    async healthy() {
      if (!(await broker.healthy())) return false;
      return withTimeout(
        redis.ping().then((r) => r === "PONG"),
        PING_TIMEOUT_MS,
        false,
      );
    },
  };
}

/** Closes engines together (the broker and connections go after them). */
async function closeAll(engines: { close(): Promise<void> }[]): Promise<void> {
  await Promise.all(engines.map((e) => e.close()));
}

/** Logs a connection's first error of each outage (ioredis repeats it on every retry). */
function watch(conn: Redis, role: string, logger: EngineLogger): Redis {
  let reported = false;
  conn.on("error", (err: Error) => {
    if (reported) return;
    reported = true;
    logger.warn({ err: err.message, role }, "redis connection error");
  });
  conn.on("ready", () => {
    reported = false;
  });
  return conn;
}
