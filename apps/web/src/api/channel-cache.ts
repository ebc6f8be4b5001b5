/**
 * Keeping the cached copies of a channel in step with what the socket says about it. A channel
 * lives in three caches — its own (`qk.channel`), the list of my channels (`qk.channels`) and its
 * event's channel list (`qk.event`) — and every screen reads one of them, so a change is written
 * to all three.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { Channel, EventWithChannels, ServerMessageOf } from "@won/protocol";
import { qk } from "./queries";

type AccessChanged = ServerMessageOf<"access.changed">;

/**
 * My role, "can talk" or abilities in a channel changed: the message carries the new values, so
 * the cached channel is updated in place (the talk button and tools follow at once, without a
 * round trip). The member list is refetched, since what I may do to each member depends on my
 * role; so is the event, whose own abilities change when my event role did (an event role change
 * reaches the socket as `access.changed` on each of its channels).
 */
export function applyAccessChanged(qc: QueryClient, m: AccessChanged): void {
  const patch = (c: Channel): Channel =>
    c.id === m.channelId ? { ...c, myRole: m.myRole, canSpeak: m.canSpeak, abilities: m.abilities } : c;

  qc.setQueryData<Channel>(qk.channel(m.channelId), (old) => old && patch(old));
  qc.setQueryData<Channel[]>(qk.channels, (old) => old?.map(patch));
  const eventIds = new Set<string>();
  for (const [, data] of qc.getQueriesData<unknown>({ queryKey: ["event"] })) {
    if (!isEventWithChannels(data) || !data.channels.some((c) => c.id === m.channelId)) continue;
    eventIds.add(data.id);
    qc.setQueryData<EventWithChannels>(
      qk.event(data.id),
      (old) => old && { ...old, channels: old.channels.map(patch) },
    );
  }
  const eventId =
    qc.getQueryData<Channel>(qk.channel(m.channelId))?.eventId ??
    qc.getQueryData<Channel[]>(qk.channels)?.find((c) => c.id === m.channelId)?.eventId;
  if (eventId) eventIds.add(eventId);

  void qc.invalidateQueries({ queryKey: qk.channelMembers(m.channelId) });
  for (const id of eventIds) {
    // Only the event and its member list: the channel caches were just written above.
    void qc.invalidateQueries({ queryKey: qk.event(id), exact: true });
    void qc.invalidateQueries({ queryKey: qk.eventMembers(id) });
  }
  if (eventIds.size) void qc.invalidateQueries({ queryKey: qk.events });
}

function isEventWithChannels(data: unknown): data is EventWithChannels {
  return (
    typeof data === "object" && data !== null && Array.isArray((data as { channels?: unknown }).channels)
  );
}
