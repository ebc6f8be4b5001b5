/**
 * Messages sent to several channels at once — a transmission holding the floors of an all-call
 * or a patch, and the patch notices — are published on each channel's topic, and every node
 * delivers each copy only to the sockets that hear the group through that channel: the first
 * channel of the group (in the group's order) that the socket follows. So a socket subscribed to
 * two of the channels hears it once, and every socket on every node decides alike with no
 * shared state. Also: which channels are direct, for their per-user delivery.
 */
import type { ServerMessage } from "@won/protocol";
import type { AppContext } from "../context.js";
import { directPair } from "../repositories/direct-channels.js";

/** The channels a message was sent to together, or undefined for an ordinary channel message. */
export function groupOf(event: ServerMessage): readonly string[] | undefined {
  switch (event.type) {
    case "speaker.started":
    case "speaker.stopped":
    case "patch.deleted":
      return event.channelIds;
    case "patch.created":
    case "patch.updated":
      return event.patch.channelIds;
    default:
      return undefined;
  }
}

/** The channel of `group` through which a socket with these subscriptions hears it. */
export function routeOf(
  subscriptions: { has(channelId: string): boolean },
  group: readonly string[],
): string | undefined {
  for (const id of group) if (subscriptions.has(id)) return id;
  return undefined;
}

/** Group streams announced at once on this node (a `speaker.stopped` lost to a crash is dropped
 *  with the oldest beyond this). */
const MAX_GROUP_STREAMS = 10_000;

/** The channels of each group transmission whose `speaker.started` this node saw, by stream. */
export class GroupStreams {
  private readonly streams = new Map<number, readonly string[]>();

  started(streamId: number, channelIds: readonly string[]): void {
    if (this.streams.size >= MAX_GROUP_STREAMS) this.streams.delete(this.streams.keys().next().value!);
    this.streams.set(streamId, channelIds);
  }

  stopped(streamId: number): void {
    this.streams.delete(streamId);
  }

  /** Hot path: one map lookup, and none while no group transmission runs. */
  of(streamId: number): readonly string[] | undefined {
    return this.streams.size === 0 ? undefined : this.streams.get(streamId);
  }
}

/** Channels known on this node, cached while it runs (whether one is direct never changes). */
const MAX_CACHED_CHANNELS = 50_000;

/** The two users of each direct channel, read once per channel from the database. */
export class DirectChannels {
  private readonly cache = new Map<string, readonly [string, string] | null>();

  constructor(private readonly ctx: Pick<AppContext, "repos">) {}

  /** The pair of a direct channel; null for any other channel (or one that does not exist). */
  async usersOf(channelId: string): Promise<readonly [string, string] | null> {
    const known = this.cache.get(channelId);
    if (known !== undefined) return known;
    const row = await this.ctx.repos.channels.findById(channelId).catch(() => undefined);
    if (!row) return null;
    const pair = row.kind === "direct" && row.direct_key ? directPair(row.direct_key) : null;
    if (this.cache.size >= MAX_CACHED_CHANNELS) this.cache.clear();
    this.cache.set(channelId, pair);
    return pair;
  }
}
