/**
 * The sockets of this node subscribed to each channel, and this node's broker subscription to
 * each channel's topic (one per channel with local listeners). Delivery writes the same bytes to
 * every socket: no per-listener JSON or allocation.
 */
import type { Broker } from "../engines/index.js";
import { frameBinary } from "../lib/ws-frame.js";
import type { Connection } from "./connection.js";
import { routeOf } from "./talk-groups.js";

export const channelTopic = (channelId: string) => `ch:${channelId}`;

interface LocalChannel {
  connections: Set<Connection>;
  /** Resolves once the broker subscription is in place; holds its remover. */
  subscribed: Promise<() => Promise<void>>;
}

export class ChannelHub {
  private readonly channels = new Map<string, LocalChannel>();

  constructor(
    private readonly broker: Broker,
    private readonly onRemote: (channelId: string, payload: Buffer) => void,
  ) {}

  /** Adds a local listener; the first one subscribes this node to the channel's topic. */
  async add(channelId: string, conn: Connection): Promise<void> {
    let ch = this.channels.get(channelId);
    if (!ch) {
      const subscribed = this.broker.subscribe(channelTopic(channelId), (payload) =>
        this.onRemote(channelId, payload),
      );
      ch = { connections: new Set(), subscribed };
      this.channels.set(channelId, ch);
      subscribed.catch(() => {
        if (this.channels.get(channelId) === ch) this.channels.delete(channelId);
      });
    }
    ch.connections.add(conn);
    await ch.subscribed;
  }

  /** Removes a local listener; the last one unsubscribes this node from the topic. */
  async remove(channelId: string, conn: Connection): Promise<void> {
    const ch = this.channels.get(channelId);
    if (!ch?.connections.delete(conn) || ch.connections.size > 0) return;
    this.channels.delete(channelId);
    const unsubscribe = await ch.subscribed.catch(() => null);
    await unsubscribe?.();
  }

  connections(channelId: string): ReadonlySet<Connection> {
    return this.channels.get(channelId)?.connections ?? EMPTY;
  }

  /**
   * Audio: framed once, the same bytes to every local listener but the speaker. Hot path. A frame
   * of a transmission over several channels (`group`) goes only to the listeners that hear the
   * group through this channel (talk-groups.ts).
   */
  deliverAudio(
    channelId: string,
    frame: Uint8Array,
    speaker: Connection | null,
    group?: readonly string[],
  ): number {
    const ch = this.channels.get(channelId);
    if (!ch || ch.connections.size === 0 || (ch.connections.size === 1 && ch.connections.has(speaker!)))
      return 0;
    // Framing copies the payload, so a broker buffer that is only valid during this call is fine.
    const framed = frameBinary(frame);
    let n = 0;
    for (const s of ch.connections) {
      if (s === speaker) continue;
      if (group && routeOf(s.subscriptions, group) !== channelId) continue;
      s.sendFramed(framed);
      n++;
    }
    return n;
  }

  /** A JSON event, already serialised once, to every local listener; replaying connections queue
   *  it. One sent to several channels (`group`) goes to those that hear it through this one. */
  deliverText(channelId: string, bytes: Buffer, seq?: number, group?: readonly string[]): void {
    const ch = this.channels.get(channelId);
    if (!ch) return;
    for (const s of ch.connections) {
      if (group && routeOf(s.subscriptions, group) !== channelId) continue;
      const sub = s.subscriptions.get(channelId);
      if (sub?.pending) sub.pending.push({ bytes, seq });
      else s.sendBytes(bytes, false);
    }
  }

  channelIds(): IterableIterator<string> {
    return this.channels.keys();
  }
}

const EMPTY: ReadonlySet<Connection> = new Set();
