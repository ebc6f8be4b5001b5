import type { Channel, Message } from "@won/protocol";

/**
 * What commands tell the real-time layer after their transaction commits. The
 * implementation fans each event out to every instance through the broker; callers never wait
 * for sockets.
 */
export interface LiveEvents {
  messageCreated(message: Message): Promise<void>;
  channelUpdated(channel: Omit<Channel, "myRole" | "canSpeak" | "inviteCode" | "abilities">): Promise<void>;
  /** The channel is gone: subscribers get `channel.deleted` and are unsubscribed. */
  channelDeleted(channelId: string): Promise<void>;
  /** These users lost access to the channel: their sockets get `access.revoked` and are unsubscribed. */
  accessRevoked(channelId: string, userIds: readonly string[]): Promise<void>;
  /** The user's permissions in the channel changed (e.g. `canSpeak`); the floor is re-checked. */
  accessChanged(channelId: string, userId: string): Promise<void>;
}
