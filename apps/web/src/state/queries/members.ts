/**
 * Event and channel member lists and the changes made to them. What a row offers comes from its
 * abilities; after a change the list refetches, since the server may have adjusted other rows
 * (an event must keep an organiser) and the event's member count.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ChannelRole, EventRole, Member } from "@won/protocol";
import { api } from "../../api/endpoints";
import { queryKeys } from "./keys";

export const useEventMembers = (eventId: string) =>
  useQuery({ queryKey: queryKeys.eventMembers(eventId), queryFn: () => api.eventMembers(eventId) });

export const useChannelMembers = (channelId: string, enabled = true) =>
  useQuery({
    queryKey: queryKeys.channelMembers(channelId),
    queryFn: () => api.channelMembers(channelId),
    enabled,
  });

/** Changes a member's event role; the event (its prefix covers the member list) refetches. */
export function useSetEventRole(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: EventRole }) =>
      api.setEventRole(eventId, userId, role),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.event(eventId) }),
  });
}

/** Removes someone from an event; the event and its member list refetch. */
export function useRemoveEventMember(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.removeEventMember(eventId, userId),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.event(eventId) }),
  });
}

export interface ChannelMemberChange {
  userId: string;
  canSpeak?: boolean;
  role?: ChannelRole;
}

/**
 * Changes a channel member's "can talk" or role. "Can talk" is optimistic: the box flips at once
 * and a failure refetches the truth (as does every outcome).
 */
export function useSetChannelMember(channelId: string) {
  const qc = useQueryClient();
  const key = queryKeys.channelMembers(channelId);
  return useMutation({
    mutationFn: ({ userId, ...body }: ChannelMemberChange) => api.setChannelMember(channelId, userId, body),
    onMutate: ({ userId, canSpeak }) => {
      if (canSpeak === undefined) return;
      qc.setQueryData<Member[]>(key, (old) =>
        old?.map((m) => (m.user.id === userId ? { ...m, canSpeak } : m)),
      );
    },
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
}

/** Removes a direct member from a channel. */
export function useRemoveChannelMember(channelId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.removeChannelMember(channelId, userId),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.channelMembers(channelId) }),
  });
}

/**
 * Leaves a channel I joined in my own right. My channel list refetches in the background, so
 * the caller can navigate away at once.
 */
export function useLeaveChannel(channelId: string, myId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.removeChannelMember(channelId, myId ?? ""),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.channels });
    },
  });
}
