/** Direct calls: opening the direct channel with someone, and going to it. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Channel, User } from "@won/protocol";
import { useNavigate } from "react-router";
import { api } from "../../api/endpoints";
import { queryKeys } from "./keys";

/**
 * Opens (or finds) the direct channel with a user and navigates to it. The answer is written into
 * the channel's cache, so its screen opens without a second fetch; my channel list refetches,
 * since a first call adds the channel to it.
 */
export function useCallUser() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const open = useMutation({
    mutationFn: (user: Pick<User, "id">) => api.openDirect(user.id),
    onSuccess: (channel: Channel) => {
      qc.setQueryData(queryKeys.channel(channel.id), channel);
      void qc.invalidateQueries({ queryKey: queryKeys.channels });
      navigate(`/channels/${channel.id}`);
    },
  });
  return { call: (user: Pick<User, "id">) => open.mutate(user), pending: open.isPending, error: open.error };
}
