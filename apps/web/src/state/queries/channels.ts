/** Channels: my list, one channel, creating, deleting and rotating a channel's own invite code. */
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Channel, CreateChannelBody } from "@won/protocol";
import { api } from "../../api/endpoints";
import { queryKeys } from "./keys";

export const useChannels = () => useQuery({ queryKey: queryKeys.channels, queryFn: api.channels });

export const useChannel = (id: string) =>
  useQuery({ queryKey: queryKeys.channel(id), queryFn: () => api.channel(id) });

/** Creates a channel (standalone, or in `body.eventId`); my channels and that event's list refetch. */
export function useCreateChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateChannelBody) => api.createChannel(body),
    onSuccess: (_ch, body) => refetchListsOf(qc, body.eventId ?? null),
  });
}

/** Deletes a channel; the lists that showed it refetch. */
export function useDeleteChannel(channel: Pick<Channel, "id" | "eventId">) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.deleteChannel(channel.id),
    onSuccess: () => refetchListsOf(qc, channel.eventId),
  });
}

/** A new channel invite code, written into the cached channel. */
export function useRegenerateChannelCode(channelId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.regenerateChannelCode(channelId),
    onSuccess: (r) =>
      qc.setQueryData<Channel>(queryKeys.channel(channelId), (old) =>
        old && r.inviteCode ? { ...old, inviteCode: r.inviteCode } : old,
      ),
  });
}

function refetchListsOf(qc: ReturnType<typeof useQueryClient>, eventId: string | null) {
  return Promise.all([
    qc.invalidateQueries({ queryKey: queryKeys.channels }),
    eventId ? qc.invalidateQueries({ queryKey: queryKeys.event(eventId) }) : undefined,
  ]);
}

/**
 * A channel as last fetched (its own query, else my channel list), without fetching: for code
 * outside React that names a channel in a notification. Direct calls are told by `kind`.
 */
export function cachedChannel(
  qc: QueryClient,
  id: string,
): (Pick<Channel, "id" | "name"> & { kind?: string }) | null {
  const one = qc.getQueryData<Channel>(queryKeys.channel(id));
  if (one) return one;
  return qc.getQueryData<Channel[]>(queryKeys.channels)?.find((c) => c.id === id) ?? null;
}

/** Fetches one channel into its cache (or takes the cached one while fresh). */
export const fetchChannel = (qc: QueryClient, id: string) =>
  qc.fetchQuery({ queryKey: queryKeys.channel(id), queryFn: () => api.channel(id), staleTime: 60_000 });

/** Fetches my channel list into its cache, unless fresh. */
export const prefetchChannels = (qc: QueryClient) =>
  void qc.prefetchQuery({ queryKey: queryKeys.channels, queryFn: api.channels });
