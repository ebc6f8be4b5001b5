/**
 * Password reset codes: an organiser issues one for a member (shown once, so it is kept in the
 * mutation's result only, never in the query cache), and a signed-out member redeems one, which
 * signs them in on this device.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RedeemPasswordResetBody } from "@won/protocol";
import { api } from "../../api/endpoints";
import { setAuthResult } from "../../auth/session";

/** Issues a reset code for a member of `eventId`; `data` holds the code until `reset()`. */
export function useIssuePasswordReset(eventId: string) {
  return useMutation({
    mutationFn: (userId: string) => api.issuePasswordReset(eventId, userId),
  });
}

/** Sets a new password with a reset code and signs in; nothing cached from before survives. */
export function useRedeemPasswordReset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RedeemPasswordResetBody) => api.redeemPasswordReset(body),
    onSuccess: (result) => {
      qc.clear();
      setAuthResult(result);
    },
  });
}
