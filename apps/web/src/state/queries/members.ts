/**
 * Event and channel member lists and the changes made to them. What a row offers comes from its
 * abilities; after a change the list refetches, since the server may have adjusted other rows
 * (an event must keep an organiser) and the event's member count.
 */
import {
  type QueryClient,
  useMutation,
  useMutationState,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
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

const setChannelMemberKey = (channelId: string) => ["channel", channelId, "members", "set"] as const;

type SendChange = (
  channelId: string,
  userId: string,
  body: Omit<ChannelMemberChange, "userId">,
) => Promise<Member>;

/**
 * How a change to a channel member goes through the cache. The row shows what was asked while
 * the change is in flight (pendingCanSpeak), whatever a refetch started meanwhile brings back;
 * the answer then replaces the row, and the list refetches since the server may have adjusted
 * others.
 */
export function channelMemberChange(
  qc: QueryClient,
  channelId: string,
  send: SendChange = api.setChannelMember,
) {
  const key = queryKeys.channelMembers(channelId);
  return {
    mutationKey: setChannelMemberKey(channelId),
    mutationFn: ({ userId, ...body }: ChannelMemberChange) => send(channelId, userId, body),
    // A list fetched before the change commits must not land after it.
    onMutate: () => qc.cancelQueries({ queryKey: key }),
    onSuccess: (member: Member) =>
      qc.setQueryData<Member[]>(key, (old) => old?.map((m) => (m.user.id === member.user.id ? member : m))),
    // Invalidating also cancels a refetch still in flight from before the answer.
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  };
}

/** Changes a channel member's "can talk" or role. */
export function useSetChannelMember(channelId: string) {
  const qc = useQueryClient();
  return useMutation(channelMemberChange(qc, channelId));
}

/** "Can talk" as asked by the changes still in flight, by user id (the latest ask wins). */
export function pendingCanSpeak(qc: QueryClient, channelId: string): Map<string, boolean> {
  const pending = new Map<string, boolean>();
  const inFlight = qc
    .getMutationCache()
    .findAll({ mutationKey: setChannelMemberKey(channelId), status: "pending" });
  for (const m of inFlight) {
    const change = m.state.variables as ChannelMemberChange | undefined;
    if (change?.canSpeak !== undefined) pending.set(change.userId, change.canSpeak);
  }
  return pending;
}

/** pendingCanSpeak, re-read whenever a change starts or settles. */
export function usePendingCanSpeak(channelId: string): ReadonlyMap<string, boolean> {
  const qc = useQueryClient();
  useMutationState({ filters: { mutationKey: setChannelMemberKey(channelId) } });
  return pendingCanSpeak(qc, channelId);
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
