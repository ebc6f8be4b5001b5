/**
 * Where one transmission goes, decided when it starts: its own channel only; a direct channel
 * (and by per-user delivery to the peer, wherever they are); every channel of the event (an
 * all-call by an organiser); or every channel of the patch its channel belongs to.
 */
import type { ServerMessageOf } from "@won/protocol";
import type { AppContext } from "../context.js";
import type { ChannelRow } from "../db/schema.js";
import { allCallDecision, type ChannelGrant } from "../domain/policy.js";
import { directPair } from "../repositories/direct-channels.js";

/** The fields a group transmission adds to its `speaker.started`. */
export type GroupAnnouncement = Pick<
  ServerMessageOf<"speaker.started">,
  "scope" | "eventId" | "patchId" | "channelIds"
>;

export interface TalkRoute {
  /** Every channel whose floor the transmission holds, its own first. */
  channelIds: readonly string[];
  /** Set for a transmission over several channels (all-call, patch). */
  group: GroupAnnouncement | null;
  /** Users who hear it by per-user delivery, not only on the channel (a direct channel's peer). */
  users: readonly string[];
}

/**
 * The route of a `ptt.start` the caller may make on `channel` (access already checked), or
 * `forbidden` for an all-call the policy refuses. An all-call over an event of one channel is
 * just that channel, announced as an all-call all the same.
 */
export async function routeFor(
  ctx: Pick<AppContext, "repos">,
  userId: string,
  channel: ChannelRow,
  access: ChannelGrant,
  allCall: boolean,
): Promise<TalkRoute | "forbidden"> {
  if (allCall) {
    if (!channel.event_id || !allCallDecision(access.eventRole, access).ok) return "forbidden";
    const others = (await ctx.repos.channels.listForEvent(channel.event_id))
      .map((c) => c.id)
      .filter((id) => id !== channel.id);
    const channelIds = [channel.id, ...others];
    return { channelIds, group: { scope: "event", eventId: channel.event_id, channelIds }, users: [] };
  }
  if (channel.kind === "direct" && channel.direct_key) {
    const peer = directPair(channel.direct_key).filter((id) => id !== userId);
    return { channelIds: [channel.id], group: null, users: peer };
  }
  const patch = channel.event_id ? await ctx.repos.patches.findByChannel(channel.id) : undefined;
  if (patch) {
    const channelIds = [channel.id, ...patch.channel_ids.filter((id) => id !== channel.id)];
    return { channelIds, group: { patchId: patch.id, channelIds }, users: [] };
  }
  return { channelIds: [channel.id], group: null, users: [] };
}
