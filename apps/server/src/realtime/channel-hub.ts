/**
 * The sockets of this node subscribed to each channel, and this node's broker subscription to
 * each channel's topic (one per channel with local listeners). Delivery writes the same bytes to
 * every socket: no per-listener JSON or allocation.
 */
import type { Broker } from "../engines/index.js";
import { frameBinary } from "../lib/ws-frame.js";
import type { Session } from "./session.js";

export const channelTopic = (channelId: string) => `ch:${channelId}`;

interface LocalChannel {
  sessions: Set<Session>;
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
  async add(channelId: string, session: Session): Promise<void> {
    let ch = this.channels.get(channelId);
    if (!ch) {
      const subscribed = this.broker.subscribe(channelTopic(channelId), (payload) =>
        this.onRemote(channelId, payload),
      );
      ch = { sessions: new Set(), subscribed };
      this.channels.set(channelId, ch);
      subscribed.catch(() => {
        if (this.channels.get(channelId) === ch) this.channels.delete(channelId);
      });
    }
    ch.sessions.add(session);
    await ch.subscribed;
  }

  /** Removes a local listener; the last one unsubscribes this node from the topic. */
  async remove(channelId: string, session: Session): Promise<void> {
    const ch = this.channels.get(channelId);
    if (!ch?.sessions.delete(session) || ch.sessions.size > 0) return;
    this.channels.delete(channelId);
    const unsubscribe = await ch.subscribed.catch(() => null);
    await unsubscribe?.();
  }

  sessions(channelId: string): ReadonlySet<Session> {
    return this.channels.get(channelId)?.sessions ?? EMPTY;
  }

  /** Audio: framed once, the same bytes to every local listener but the speaker. Hot path. */
  deliverAudio(channelId: string, frame: Uint8Array, speaker: Session | null): number {
    const ch = this.channels.get(channelId);
    if (!ch || ch.sessions.size === 0 || (ch.sessions.size === 1 && ch.sessions.has(speaker!))) return 0;
    // Framing copies the payload, so a broker buffer that is only valid during this call is fine.
    const framed = frameBinary(frame);
    let n = 0;
    for (const s of ch.sessions) {
      if (s === speaker) continue;
      s.sendFramed(framed);
      n++;
    }
    return n;
  }

  /** A JSON event, already serialised once, to every local listener; replaying sessions queue it. */
  deliverText(channelId: string, bytes: Buffer, seq?: number): void {
    const ch = this.channels.get(channelId);
    if (!ch) return;
    for (const s of ch.sessions) {
      const sub = s.subscriptions.get(channelId);
      if (sub?.pending) sub.pending.push({ bytes, seq });
      else s.sendBytes(bytes, false);
    }
  }

  channelIds(): IterableIterator<string> {
    return this.channels.keys();
  }
}

const EMPTY: ReadonlySet<Session> = new Set();
