import type { Alert, Channel, Message, Patch } from "@won/protocol";

/**
 * What commands tell the real-time layer after their transaction commits. The
 * implementation fans each event out to every instance through the broker; callers never wait
 * for sockets.
 */
export interface LiveEvents {
  messageCreated(message: Message): Promise<void>;
  /** A member acknowledged a message: `message.acked` (with the acks so far) to its channel's subscribers. */
  messageAcked(ack: { channelId: string; messageId: string; userId: string; count: number }): Promise<void>;
  channelUpdated(channel: Omit<Channel, "myRole" | "canSpeak" | "inviteCode" | "abilities">): Promise<void>;
  /** The channel is gone: subscribers get `channel.deleted` and are unsubscribed. */
  channelDeleted(channelId: string): Promise<void>;
  /** These users lost access to the channel: their sockets get `access.revoked` and are unsubscribed. */
  accessRevoked(channelId: string, userIds: readonly string[]): Promise<void>;
  /** The user's permissions in the channel changed (e.g. `canSpeak`); the floor is re-checked. */
  accessChanged(channelId: string, userId: string): Promise<void>;
  /**
   * An alert was raised or changed: `alert.raised` / `alert.updated` go by per-user delivery to
   * every open socket of these users (the event's staff and the raiser) on every instance,
   * whatever they subscribed to. At most once; the database is the record (`ready.openAlerts`).
   */
  alertChanged(kind: "raised" | "updated", alert: Alert, userIds: readonly string[]): Promise<void>;
  /**
   * A patch was created, lost a channel, or was deleted: `patch.created` / `patch.updated` /
   * `patch.deleted` to the subscribers of its channels (`channelIds`: the channels it joined),
   * once per socket however many of them it follows.
   */
  patchChanged(
    kind: "created" | "updated" | "deleted",
    patch: Patch,
    channelIds: readonly string[],
  ): Promise<void>;
}
