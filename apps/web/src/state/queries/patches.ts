/**
 * Patches of an event: channels joined so that a transmission on one takes the floor of all.
 * The list refetches after my own changes here, and on `patch.*` from the socket (realtime-cache).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/endpoints";
import { queryKeys } from "./keys";

export const usePatches = (eventId: string | null) =>
  useQuery({
    queryKey: queryKeys.eventPatches(eventId ?? ""),
    queryFn: () => api.patches(eventId!),
    enabled: eventId !== null,
  });

/** Patches channels of the event together; the event's patch list refetches. */
export function useCreatePatch(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (channelIds: string[]) => api.createPatch(eventId, channelIds),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.eventPatches(eventId) }),
  });
}

/** Removes a patch; the event's patch list refetches. */
export function useDeletePatch(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patchId: string) => api.deletePatch(patchId),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.eventPatches(eventId) }),
  });
}
