import type { Kysely } from "kysely";
import { TokenService } from "./auth/tokens.js";
import type { Config } from "./config.js";
import type { Core } from "./core.js";
import type { DB } from "./db/schema.js";
import { ChannelsRepo } from "./repositories/channels.js";
import { EventsRepo } from "./repositories/events.js";
import { MessagesRepo } from "./repositories/messages.js";
import { RecordingsRepo } from "./repositories/recordings.js";
import { SessionsRepo } from "./repositories/sessions.js";
import { UsageRepo } from "./repositories/usage.js";
import { UsersRepo } from "./repositories/users.js";

/**
 * The whole core of an instance, as the transports (routes, gateway, metrics) hold it. Commands
 * do not take it: each names the part it uses (see core.ts).
 */
export type AppContext = Core;

/** One repository per aggregate, over one Kysely instance. */
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
