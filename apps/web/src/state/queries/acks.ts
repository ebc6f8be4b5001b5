/**
 * Acknowledging messages that ask for it, and who has. My own acknowledgement is written into
 * the live timeline at once (the message stops asking); the count comes with `message.acked`,
 * which also makes a shown list of who acknowledged refetch (realtime-cache.ts).
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "../../api/endpoints";
import { live } from "../live-store";
import { queryKeys } from "./keys";

/** Acknowledges one message of a channel; acknowledging again is harmless. */
export function useAckMessage(channelId: string) {
  return useMutation({
    mutationFn: (messageId: string) => api.ackMessage(messageId),
    onSuccess: (receipt) => live.acked(channelId, receipt.messageId, undefined, true),
  });
}

/** Who acknowledged a message and who has not (its sender and channel staff only). */
export const useMessageAcks = (messageId: string, enabled: boolean) =>
  useQuery({
    queryKey: queryKeys.messageAcks(messageId),
    queryFn: () => api.messageAcks(messageId),
    enabled,
  });
