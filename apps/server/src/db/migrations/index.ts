import type { Migration } from "kysely";
import type { Dialect } from "../database.js";
import { accountsEventsChannels } from "./001-accounts-events-channels.js";
import { messagesRecordings } from "./002-messages-recordings.js";
import { binaryKeys } from "./003-binary-keys.js";
import { channelRestrictions } from "./004-channel-restrictions.js";
import { recordingQuotaIndexes } from "./005-recording-quota-indexes.js";
import { alerts } from "./006-alerts.js";
import { pushSubscriptions } from "./007-push-subscriptions.js";
import { directPatches } from "./008-direct-patches.js";
import { messageAcks } from "./009-message-acks.js";
import { passwordResetCodes } from "./010-password-reset-codes.js";

/** Every migration, in order. Names are permanent: never rename or reorder one that shipped. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    "001-accounts-events-channels": accountsEventsChannels(dialect),
    "002-messages-recordings": messagesRecordings(dialect),
    "003-binary-keys": binaryKeys(dialect),
    "004-channel-restrictions": channelRestrictions(dialect),
    "005-recording-quota-indexes": recordingQuotaIndexes(dialect),
    "006-alerts": alerts(dialect),
    "007-push-subscriptions": pushSubscriptions(dialect),
    "008-direct-patches": directPatches(dialect),
    "009-message-acks": messageAcks(dialect),
    "010-password-reset-codes": passwordResetCodes(dialect),
  };
}
