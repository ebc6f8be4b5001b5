/** The signed-in user's own session actions that touch cached server data. */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { signOut } from "../../auth/sign-out";

/** Signs out: the server session, the socket, and every cached query of this user go. */
export function useSignOut() {
  const qc = useQueryClient();
  return useCallback(() => signOut(qc), [qc]);
}
