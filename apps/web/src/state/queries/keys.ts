/**
 * The one factory of TanStack Query keys. Only the modules in this folder use it: each resource's
 * hooks own their keys and say, next to each mutation, which cached data it makes stale.
 *
 * Keys nest by prefix: `["event", id]` also matches that event's member list, which is what an
 * invalidation of "everything about this event" wants; pass `exact: true` for the event alone.
 */
export const queryKeys = {
  events: ["events"] as const,
  event: (id: string) => ["event", id] as const,
  eventMembers: (id: string) => ["event", id, "members"] as const,
  eventPatches: (id: string) => ["event", id, "patches"] as const,
  eventAlerts: (id: string) => ["event", id, "alerts"] as const,
  alertAudit: (id: string) => ["alert", id, "audit"] as const,
  channels: ["channels"] as const,
  channel: (id: string) => ["channel", id] as const,
  channelMembers: (id: string) => ["channel", id, "members"] as const,
  messageAcks: (id: string) => ["message", id, "acks"] as const,
};
