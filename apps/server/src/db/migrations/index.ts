import type { Migration } from "kysely";
import type { Dialect } from "../database.js";
import { accountsEventsChannels } from "./001-accounts-events-channels.js";
import { messagesRecordings } from "./002-messages-recordings.js";

/** Every migration, in order. Names are permanent: never rename or reorder one that shipped. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    "001-accounts-events-channels": accountsEventsChannels(dialect),
    "002-messages-recordings": messagesRecordings(dialect),
  };
}
