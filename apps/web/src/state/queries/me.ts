/** The signed-in user's own session actions that touch cached server data. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { api } from "../../api/endpoints";
import { setUser } from "../../auth/session";
import { signOut } from "../../auth/sign-out";

/** Signs out: the server session, the socket, and every cached query of this user go. */
export function useSignOut() {
  const qc = useQueryClient();
  return useCallback(() => signOut(qc), [qc]);
}

/** Changes my display name; the session's copy follows, and lists that show me refetch. */
export function useSetDisplayName() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (displayName: string) => api.patchMe(displayName),
    onSuccess: (me) => {
      setUser(me);
      // Member lists show my name: they refetch (messages keep the name they were sent with).
      void qc.invalidateQueries({ predicate: (q) => q.queryKey.includes("members") });
    },
  });
}
