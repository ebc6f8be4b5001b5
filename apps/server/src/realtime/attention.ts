/**
 * Which sockets have the app in view, shared across instances through the attention engine
 * (engines/index.ts): a socket counts from `ready` until its page reports itself hidden
 * (`client.state`), and again once it is shown; it stops counting when it closes. Web Push reads
 * this to wake only the users who would otherwise miss something.
 *
 * A broker or Redis failure is logged and otherwise ignored: the worst outcome is a push to a
 * user who had the app open, or none to one who had it hidden until the next state report.
 */
import type { Logger } from "pino";
import type { Presence } from "../engines/index.js";
import type { Connection } from "./connection.js";

export class Attention {
  constructor(
    private readonly presence: Pick<Presence, "add" | "remove">,
    private readonly log: Logger,
  ) {}

  /** The socket's page is shown (`true`) or hidden. */
  async set(conn: Connection, visible: boolean): Promise<void> {
    if (conn.inView === visible || (visible && conn.closed)) return;
    conn.inView = visible;
    try {
      if (visible) await this.presence.add(conn.userId, conn.userId, conn.id);
      else await this.presence.remove(conn.userId, conn.userId, conn.id);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "attention update failed");
    }
  }

  /** The socket closed. */
  closed(conn: Connection): Promise<void> {
    return this.set(conn, false);
  }
}
