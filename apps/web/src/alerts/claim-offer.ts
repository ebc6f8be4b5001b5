/**
 * The claim button of an alarm, as a pure function: "I'm responding" on an unclaimed alert,
 * "Take over" once someone else holds it — including when my claim was refused with
 * `already_claimed` before the socket told me who got there first — and nothing when it is mine.
 */
import type { Alert } from "@won/protocol";

export type ClaimOffer = { label: "I'm responding" | "Take over"; takeOver: boolean } | null;

export function claimOffer(
  alert: Pick<Alert, "state" | "claimedBy">,
  meId: string | undefined,
  refusedAsClaimed: boolean,
): ClaimOffer {
  if (alert.state === "closed" || (alert.claimedBy && alert.claimedBy.id === meId)) return null;
  if (alert.state === "claimed" || refusedAsClaimed) return { label: "Take over", takeOver: true };
  return { label: "I'm responding", takeOver: false };
}
