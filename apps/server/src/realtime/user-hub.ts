/**
 * The authenticated sockets of this node by user, and this node's broker subscription to each
 * such user's topic `user:<userId>` (one per user with a local socket). It is how a message
 * reaches every socket of a user on every instance without any channel subscription.
 */
import type { Broker } from "../engines/index.js";
import type { Connection } from "./connection.js";

export const userTopic = (userId: string) => `user:${userId}`;

interface LocalUser {
  connections: Set<Connection>;
  /** Resolves once the broker subscription is in place; holds its remover. */
  subscribed: Promise<() => Promise<void>>;
}

export class UserHub {
  private readonly users = new Map<string, LocalUser>();

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

  /** A JSON message, serialised once, to every local socket of the user. */
  deliver(userId: string, bytes: Buffer): void {
    for (const c of this.users.get(userId)?.connections ?? []) c.sendBytes(bytes, false);
  }
}
