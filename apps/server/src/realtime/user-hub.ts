/**
 * The authenticated sockets of this node by user, and this node's broker subscription to each
 * such user's topic `user:<userId>` (one per user with a local socket). It is how a message
 * reaches every socket of a user on every instance without any channel subscription.
 */
import { frameStreamId, type ServerMessage } from "@won/protocol";
import type { Broker } from "../engines/index.js";
import type { Connection } from "./connection.js";

export const userTopic = (userId: string) => `user:${userId}`;

interface LocalUser {
  connections: Set<Connection>;
  /** Resolves once the broker subscription is in place; holds its remover. */
  subscribed: Promise<() => Promise<void>>;
}

/** Messages about the user's own doing that name a channel but are never heard on it: they go to
 *  every socket of the user, subscribed to that channel or not. */
const PERSONAL: ReadonlySet<ServerMessage["type"]> = new Set(["ptt.congested"]);

/** Streams announced to a user at once (per-user delivery of a transmission); more are dropped. */
const MAX_USER_STREAMS = 10_000;

export class UserHub {
  private readonly users = new Map<string, LocalUser>();
  /**
   * Transmissions delivered to users by their topic (`speaker.started` seen, `speaker.stopped`
   * not yet): `userId:streamId` → channelId, so that their frames find the channel they belong
   * to. Per user, because each user topic is ordered on its own.
   */
  private readonly streams = new Map<string, string>();

  constructor(
    private readonly broker: Broker,
    private readonly onRemote: (userId: string, payload: Buffer) => void,
  ) {}

  /** Adds a socket of `userId`; the user's first one here subscribes this node to their topic. */
  async add(userId: string, conn: Connection): Promise<void> {
    let user = this.users.get(userId);
    if (!user) {
      const subscribed = this.broker.subscribe(userTopic(userId), (payload) =>
        this.onRemote(userId, payload),
      );
      user = { connections: new Set(), subscribed };
      this.users.set(userId, user);
      subscribed.catch(() => {
        if (this.users.get(userId) === user) this.users.delete(userId);
      });
    }
    user.connections.add(conn);
    await user.subscribed;
  }

  /** Removes a socket; the user's last one here unsubscribes this node from their topic. */
  async remove(userId: string, conn: Connection): Promise<void> {
    const user = this.users.get(userId);
    if (!user?.connections.delete(conn) || user.connections.size > 0) return;
    this.users.delete(userId);
    const unsubscribe = await user.subscribed.catch(() => null);
    await unsubscribe?.();
  }

  /**
   * A JSON message, serialised once, to every local socket of the user. A channel's message
   * delivered this way (a hot mic's stream, a direct channel's events) skips the sockets
   * subscribed to that channel: they hear it on the channel, and must not hear it twice.
   */
  deliver(userId: string, bytes: Buffer, event?: ServerMessage): void {
    const channelId =
      event && "channelId" in event && !PERSONAL.has(event.type) ? event.channelId : undefined;
    const key = event && "streamId" in event ? `${userId}:${event.streamId}` : "";
    if (event?.type === "speaker.started") {
      if (this.streams.size < MAX_USER_STREAMS) this.streams.set(key, event.channelId);
    } else if (event?.type === "speaker.stopped") {
      this.streams.delete(key);
    }
    for (const c of this.users.get(userId)?.connections ?? []) {
      if (channelId === undefined || !c.subscriptions.has(channelId)) c.sendBytes(bytes, false);
    }
  }

  /** A frame of a stream announced to the user, to their sockets not subscribed to its channel. */
  deliverAudio(userId: string, frame: Buffer): number {
    const channelId = this.streams.get(`${userId}:${frameStreamId(frame)}`);
    if (channelId === undefined) return 0;
    let n = 0;
    for (const c of this.users.get(userId)?.connections ?? []) {
      if (c.subscriptions.has(channelId)) continue;
      c.sendBytes(Buffer.from(frame), true);
      n++;
    }
    return n;
  }
}
