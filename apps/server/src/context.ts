import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { TokenService } from "./auth/tokens.js";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import type { DB } from "./db/schema.js";
import type { Engines } from "./engines/index.js";
import type { LiveEvents } from "./realtime/live-events.js";
import { ChannelsRepo } from "./repositories/channels.js";
import { EventsRepo } from "./repositories/events.js";
import { MessagesRepo } from "./repositories/messages.js";
import { RecordingsRepo } from "./repositories/recordings.js";
import { SessionsRepo } from "./repositories/sessions.js";
import { UsageRepo } from "./repositories/usage.js";
import { UsersRepo } from "./repositories/users.js";

/** Everything a command needs, built once per app instance. */
export interface AppContext {
  config: Config;
  db: Kysely<DB>;
  database: Database;
  repos: Repos;
  tokens: TokenService;
  engines: Engines;
  live: LiveEvents;
  log: Logger;
}

export interface Repos {
  users: UsersRepo;
  sessions: SessionsRepo;
  events: EventsRepo;
  channels: ChannelsRepo;
  messages: MessagesRepo;
  recordings: RecordingsRepo;
  usage: UsageRepo;
}

export function createRepos(db: Kysely<DB>, config: Config): Repos {
  return {
    users: new UsersRepo(db),
    sessions: new SessionsRepo(db, config.refreshTokenTtlS * 1000),
    events: new EventsRepo(db, config.database.kind),
    channels: new ChannelsRepo(db, config.database.kind),
    messages: new MessagesRepo(db, config.database.kind),
    recordings: new RecordingsRepo(db),
    usage: new UsageRepo(db),
  };
}

export function createTokenService(config: Config): TokenService {
  return new TokenService(config.jwtSecret, config.accessTokenTtlS);
}
