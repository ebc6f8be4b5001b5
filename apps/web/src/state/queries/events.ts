/** Events: my list, one event with its channels, and the changes an event's page makes. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateEventBody, EventWithChannels, JoinResult, PatchEventBody } from "@won/protocol";
import { api } from "../../api/endpoints";
import { queryKeys } from "./keys";

export const useEvents = () => useQuery({ queryKey: queryKeys.events, queryFn: api.events });

export const useEvent = (id: string) =>
  useQuery({ queryKey: queryKeys.event(id), queryFn: () => api.event(id) });

/** Creates an event; my event list gains it. Resolves to the new event. */
export function useCreateEvent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateEventBody) => api.createEvent(body),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.events }),
  });
}

/** Edits an event's details: the event and my list (which shows its name and dates) refetch. */
export function useUpdateEvent(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PatchEventBody) => api.patchEvent(eventId, body),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.event(eventId) }),
        qc.invalidateQueries({ queryKey: queryKeys.events }),
      ]),
  });
}

/** A new invite code: written into the cached event (its channels are not in the answer). */
export function useRegenerateEventCode(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.regenerateEventCode(eventId),
    onSuccess: (ev) =>
      qc.setQueryData<EventWithChannels>(queryKeys.event(eventId), (old) =>
        old ? { ...old, ...ev, channels: old.channels } : old,
      ),
  });
}

/** Deleting an event deletes its channels too: both of my lists refetch. */
export function useDeleteEvent(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.deleteEvent(eventId),
    onSuccess: () => refetchMyLists(qc),
  });
}

/** Leaving an event (removing my own membership) also leaves its channels. */
export function useLeaveEvent(eventId: string, myId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.removeEventMember(eventId, myId ?? ""),
    onSuccess: () => refetchMyLists(qc),
  });
}

/** Where a successful join leads: the channel for a channel code, else the event. */
export function joinDestination(r: JoinResult): string {
  if (r.kind === "channel" && r.channel) return `/channels/${r.channel.id}`;
  if (r.event) return `/events/${r.event.id}`;
  return "/";
}

/**
 * Joins with an event or channel invite code; resolves to where to go next. Either kind adds to
 * my events or channels, so both lists refetch before the caller navigates.
 */
export function useJoinWithCode() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (code: string) => joinDestination(await api.join(code)),
    onSuccess: () => refetchMyLists(qc),
  });
}

function refetchMyLists(qc: ReturnType<typeof useQueryClient>) {
  return Promise.all([
    qc.invalidateQueries({ queryKey: queryKeys.events }),
    qc.invalidateQueries({ queryKey: queryKeys.channels }),
  ]);
}
