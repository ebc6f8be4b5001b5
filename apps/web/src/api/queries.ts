/** TanStack Query keys and hooks for server state. Live state is in state/live-store.ts. */
import { useQuery } from "@tanstack/react-query";
import { api } from "./endpoints";

export const qk = {
  me: ["me"] as const,
  events: ["events"] as const,
  event: (id: string) => ["event", id] as const,
  eventMembers: (id: string) => ["event", id, "members"] as const,
  channels: ["channels"] as const,
  channel: (id: string) => ["channel", id] as const,
  channelMembers: (id: string) => ["channel", id, "members"] as const,
};

export const useEvents = () => useQuery({ queryKey: qk.events, queryFn: api.events });
export const useChannels = () => useQuery({ queryKey: qk.channels, queryFn: api.channels });
export const useEvent = (id: string) => useQuery({ queryKey: qk.event(id), queryFn: () => api.event(id) });
export const useEventMembers = (id: string) =>
  useQuery({ queryKey: qk.eventMembers(id), queryFn: () => api.eventMembers(id) });
export const useChannel = (id: string) =>
  useQuery({ queryKey: qk.channel(id), queryFn: () => api.channel(id) });
export const useChannelMembers = (id: string, enabled = true) =>
  useQuery({ queryKey: qk.channelMembers(id), queryFn: () => api.channelMembers(id), enabled });
