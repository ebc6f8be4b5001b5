/**
 * What the socket says about server state, written into the query cache. The realtime
 * dispatcher calls these; components never do.
 *
 * A channel lives in three caches — its own (`channel`), the list of my channels (`channels`) and
 * its event's channel list (`event`) — and every screen reads one of them, so a change reaches
 * all three.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { Alert, Channel, EventWithChannels, ServerMessageOf } from "@won/protocol";
import { queryKeys } from "./keys";

export interface RealtimeCache {
  /** `access.changed`: my role, "can talk" or abilities in a channel changed. */
  accessChanged(m: ServerMessageOf<"access.changed">): void;
  /** `channel.updated`: a channel's shared fields changed. */
  channelUpdated(channel: Pick<Channel, "id" | "eventId">): void;
  /** The channel was deleted or I lost access to it: the lists that showed it refetch. */
  channelGone(channelId: string): void;
  /** `alert.raised` / `alert.updated`: the event's alert history refetches. */
  alertChanged(alert: Pick<Alert, "eventId">): void;
  /** `patch.created` / `patch.updated` / `patch.deleted`: the event's patch list refetches. */
  patchesChanged(eventId: string): void;
  /** `message.acked`: the list of who acknowledged the message refetches (when someone shows it). */
  messageAcked(messageId: string): void;
}

export function realtimeCache(qc: QueryClient): RealtimeCache {
  return {
    accessChanged: (m) => applyAccessChanged(qc, m),
    channelUpdated: (channel) => {
      // The event carries no per-user fields (myRole, canSpeak, abilities): refetch the channel.
      void qc.invalidateQueries({ queryKey: queryKeys.channel(channel.id) });
      void qc.invalidateQueries({ queryKey: queryKeys.channels });
      if (channel.eventId) void qc.invalidateQueries({ queryKey: queryKeys.event(channel.eventId) });
    },
    alertChanged: (alert) => void qc.invalidateQueries({ queryKey: queryKeys.eventAlerts(alert.eventId) }),
    patchesChanged: (eventId) => void qc.invalidateQueries({ queryKey: queryKeys.eventPatches(eventId) }),
    messageAcked: (messageId) => void qc.invalidateQueries({ queryKey: queryKeys.messageAcks(messageId) }),
    channelGone: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.channels });
      void qc.invalidateQueries({ queryKey: queryKeys.events });
    },
  };
}

/**
 * The message carries the new values, so the cached channel is updated in place (the talk button
 * and tools follow at once, without a round trip). The member list is refetched, since what I may
 * do to each member depends on my role; so is the event, whose own abilities change when my event
 * role did (an event role change reaches the socket as `access.changed` on each of its channels).
 */
export function applyAccessChanged(qc: QueryClient, m: ServerMessageOf<"access.changed">): void {
  const patch = (c: Channel): Channel =>
    c.id === m.channelId ? { ...c, myRole: m.myRole, canSpeak: m.canSpeak, abilities: m.abilities } : c;

  qc.setQueryData<Channel>(queryKeys.channel(m.channelId), (old) => old && patch(old));
  qc.setQueryData<Channel[]>(queryKeys.channels, (old) => old?.map(patch));
  const eventIds = new Set<string>();
  for (const [, data] of qc.getQueriesData<unknown>({ queryKey: ["event"] })) {
    if (!isEventWithChannels(data) || !data.channels.some((c) => c.id === m.channelId)) continue;
    eventIds.add(data.id);
    qc.setQueryData<EventWithChannels>(
      queryKeys.event(data.id),
      (old) => old && { ...old, channels: old.channels.map(patch) },
    );
  }
  const eventId =
    qc.getQueryData<Channel>(queryKeys.channel(m.channelId))?.eventId ??
    qc.getQueryData<Channel[]>(queryKeys.channels)?.find((c) => c.id === m.channelId)?.eventId;
  if (eventId) eventIds.add(eventId);

  void qc.invalidateQueries({ queryKey: queryKeys.channelMembers(m.channelId) });
  for (const id of eventIds) {
    // Only the event and its member list: the channel caches were just written above.
    void qc.invalidateQueries({ queryKey: queryKeys.event(id), exact: true });
    void qc.invalidateQueries({ queryKey: queryKeys.eventMembers(id) });
  }
  if (eventIds.size) void qc.invalidateQueries({ queryKey: queryKeys.events });
}

function isEventWithChannels(data: unknown): data is EventWithChannels {
  return (
    typeof data === "object" && data !== null && Array.isArray((data as { channels?: unknown }).channels)
  );
}
