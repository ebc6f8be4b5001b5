/**
 * The core of one server instance, without any transport: the database (opened and migrated),
 * repositories, token service, engines, logger and the outbox of live events. `buildApp` puts
 * HTTP and the WebSocket gateway on top of one; the admin CLI runs commands over one directly.
 *
 * Commands never take the whole core: each command module names the part it uses
 * (`Pick<Core, "repos" | "live">`, …), so a signature says what a use case touches.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { type Logger, pino } from "pino";
import { TokenService } from "./auth/tokens.js";
import type { Config } from "./config.js";
import { type Database, migrateToLatest, openDatabase } from "./db/database.js";
import type { DB } from "./db/schema.js";
import { createEngines, type Engines, type MemoryHub } from "./engines/index.js";
import { PushNotifier } from "./push/notifier.js";
import type { LiveEvents } from "./realtime/live-events.js";
import { createRepos, type Repos } from "./repositories/index.js";

export interface CoreDeps {
  /** Default: pino JSON on stdout at `LOG_LEVEL`, credentials redacted ({@link createLogger}). */
  logger?: Logger;
  /** Memory engines only: share one hub between cores in one process (multi-node tests). */
  hub?: MemoryHub;
  nodeId?: string;
  /** Default `PRESENCE_LEASE_MS`. */
  presenceLeaseMs?: number;
}

/** What the readiness probe found; each check is false when it failed or did not answer in time. */
export interface DependencyHealth {
  database: boolean;
  /** The engines' shared transport (Redis); memory engines always answer true. */
  broker: boolean;
}

/** One instance's state and services, built by {@link createCore}. */
export interface Core {
  readonly config: Config;
  readonly db: Kysely<DB>;
  readonly database: Database;
  readonly repos: Repos;
  readonly tokens: TokenService;
  readonly engines: Engines;
  /** Where commands publish after a commit; the gateway attaches its sink here. */
  readonly live: LiveOutbox;
  /** Web Push to users with no socket in view (push/notifier.ts). */
  readonly push: PushNotifier;
  readonly log: Logger;
  /** Names of the migrations this core applied when it opened the database (usually none). */
  readonly migrationsApplied: readonly string[];
  /**
   * The readiness probe, the one behind `/readyz` and `won_dependency_up`: the database answers
   * `select 1` and the engines' transport is healthy, each within `timeoutMs`. Never throws.
   */
  checkDependencies(timeoutMs?: number): Promise<DependencyHealth>;
  /** Closes the engines, then the database. The gateway, if any, must be closed first. */
  close(): Promise<void>;
}

/** How long each readiness check may take before it counts as down. */
export const DEPENDENCY_TIMEOUT_MS = 2_000;

/**
 * Opens the database and migrates it to the latest schema (safe with several instances starting
 * at once), then builds repositories, engines and the token service. Nothing listens yet.
 */
export async function createCore(config: Config, deps: CoreDeps = {}): Promise<Core> {
  const log = deps.logger ?? createLogger(config);
  const database = openDatabase(config.database);
  let migrationsApplied: string[];
  try {
    migrationsApplied = await migrateToLatest(database);
  } catch (err) {
    await database.close();
    throw err;
  }
  const engines = createEngines({
    redisUrl: config.redis?.url,
    prefix: config.redis?.prefix,
    nodeId: deps.nodeId,
    hub: deps.hub,
    presenceLeaseMs: deps.presenceLeaseMs ?? config.presenceLeaseMs,
    logger: log.child({ component: "engines" }),
  });
  const db = database.db;
  const repos = createRepos(db, config);
  const push = new PushNotifier({
    subscriptions: repos.pushSubscriptions,
    attention: engines.attention,
    config: config.push,
    log: log.child({ component: "push" }),
  });
  return {
    config,
    db,
    database,
    repos,
    tokens: new TokenService(config.jwtSecret, config.accessTokenTtlS),
    engines,
    live: new LiveOutbox(),
    push,
    log,
    migrationsApplied,
    async checkDependencies(timeoutMs = DEPENDENCY_TIMEOUT_MS) {
      const [databaseUp, brokerUp] = await Promise.all([
        within(
          sql`select 1`.execute(db).then(() => true),
          timeoutMs,
        ),
        within(engines.healthy(), timeoutMs),
      ]);
      return { database: databaseUp, broker: brokerUp };
    },
    async close() {
      await push.idle();
      await engines.close();
      await database.close();
    },
  };
}

/**
 * Live events with a late-bound sink. Commands publish here; the WebSocket gateway, built after
 * the core, attaches the sink that fans events out to every instance.
 *
 * Until a sink is attached — and after it is detached — events are dropped: a core without a
 * gateway (the admin CLI, a command test without a recorder) has no sockets of its own to tell,
 * and its changes are in the database, which is the record clients resync from. Delivery
 * otherwise is the sink's contract (the gateway's never throws; a broker failure is logged).
 */
export class LiveOutbox implements LiveEvents {
  private sink: LiveEvents | null = null;

  /** Sends every later event to `sink`; returns the detacher. One sink at a time. */
  attach(sink: LiveEvents): () => void {
    if (this.sink) throw new Error("a live-events sink is already attached to this core");
    this.sink = sink;
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }

  get attached(): boolean {
    return this.sink !== null;
  }

  async messageCreated(...args: Parameters<LiveEvents["messageCreated"]>): Promise<void> {
    await this.sink?.messageCreated(...args);
  }

  async messageAcked(...args: Parameters<LiveEvents["messageAcked"]>): Promise<void> {
    await this.sink?.messageAcked(...args);
  }

  async channelUpdated(...args: Parameters<LiveEvents["channelUpdated"]>): Promise<void> {
    await this.sink?.channelUpdated(...args);
  }

  async channelDeleted(...args: Parameters<LiveEvents["channelDeleted"]>): Promise<void> {
    await this.sink?.channelDeleted(...args);
  }

  async accessRevoked(...args: Parameters<LiveEvents["accessRevoked"]>): Promise<void> {
    await this.sink?.accessRevoked(...args);
  }

  async accessChanged(...args: Parameters<LiveEvents["accessChanged"]>): Promise<void> {
    await this.sink?.accessChanged(...args);
  }

  async alertChanged(...args: Parameters<LiveEvents["alertChanged"]>): Promise<void> {
    await this.sink?.alertChanged(...args);
  }

  async patchChanged(...args: Parameters<LiveEvents["patchChanged"]>): Promise<void> {
    await this.sink?.patchChanged(...args);
  }
}

/** Request-log redaction: credentials never reach the logs. */
const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  "*.password",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
];

/** pino JSON at `LOG_LEVEL`, credentials redacted; `destination` 2 writes to stderr (the CLI). */
export function createLogger(config: Config, destination: 1 | 2 = 1): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACT, censor: "[redacted]" },
    base: { service: "operation-won" },
  };
  return destination === 1 ? pino(options) : pino(options, pino.destination(2));
}

/** `p`'s answer, or false if it rejects or does not settle within `ms`. */
async function within(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p.catch(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
