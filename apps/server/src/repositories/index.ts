import type { Kysely } from "kysely";
import type { Config } from "../config.js";
import type { DB } from "../db/schema.js";
import { AlertsRepo } from "./alerts.js";
import { ChannelsRepo } from "./channels.js";
import { DirectChannelsRepo } from "./direct-channels.js";
import { EventsRepo } from "./events.js";
import { MessageAcksRepo } from "./message-acks.js";
import { MessagesRepo } from "./messages.js";
import { PasswordResetsRepo } from "./password-resets.js";
import { PatchesRepo } from "./patches.js";
import { PushSubscriptionsRepo } from "./push-subscriptions.js";
import { RecordingsRepo } from "./recordings.js";
import { SessionsRepo } from "./sessions.js";
import { UsageRepo } from "./usage.js";
import { UsersRepo } from "./users.js";

/** One repository per aggregate, over one Kysely instance. */
export interface Repos {
  users: UsersRepo;
  sessions: SessionsRepo;
  events: EventsRepo;
  channels: ChannelsRepo;
  messages: MessagesRepo;
  messageAcks: MessageAcksRepo;
  recordings: RecordingsRepo;
  usage: UsageRepo;
  alerts: AlertsRepo;
  pushSubscriptions: PushSubscriptionsRepo;
  direct: DirectChannelsRepo;
  patches: PatchesRepo;
  passwordResets: PasswordResetsRepo;
}

export function createRepos(db: Kysely<DB>, config: Config): Repos {
  return {
    users: new UsersRepo(db),
    sessions: new SessionsRepo(db, config.refreshTokenTtlS * 1000),
    events: new EventsRepo(db, config.database.kind),
    channels: new ChannelsRepo(db, config.database.kind),
    messages: new MessagesRepo(db, config.database.kind),
    messageAcks: new MessageAcksRepo(db, config.database.kind),
    recordings: new RecordingsRepo(db),
    usage: new UsageRepo(db),
    alerts: new AlertsRepo(db, config.database.kind),
    pushSubscriptions: new PushSubscriptionsRepo(db, config.database.kind),
    direct: new DirectChannelsRepo(db),
    patches: new PatchesRepo(db, config.database.kind),
    passwordResets: new PasswordResetsRepo(db, config.database.kind),
  };
}
