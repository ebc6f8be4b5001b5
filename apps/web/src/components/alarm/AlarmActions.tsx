/**
 * What staff do with an alarm: "I'm responding" (claim; when someone else got there first, say
 * who and offer "Take over"), close it as resolved or a false alarm with an optional note, and —
 * only once someone has claimed it — shrink it to a bar.
 */
import type { Alert } from "@won/protocol";
import { useState } from "react";
import { alertsStore } from "../../alerts/alerts-store";
import { claimOffer } from "../../alerts/claim-offer";
import { ApiError, describeError } from "../../api/problem";
import { useSessionStore } from "../../auth/session";
import { useClaimAlert, useResolveAlert } from "../../state/queries/alerts";
import { shownName } from "../../users/user-name";

export function AlarmActions({ alert }: { alert: Alert }) {
  const me = useSessionStore((s) => s.session?.user.id);
  const claim = useClaimAlert();
  const resolve = useResolveAlert();
  const [note, setNote] = useState("");
  const conflict = claim.error instanceof ApiError && claim.error.code === "already_claimed";
  const offer = claimOffer(alert, me, conflict);
  const close = (outcome: "resolved" | "false_alarm") => resolve.mutate({ alertId: alert.id, outcome, note });

  return (
    <div className="alarm-actions">
      {offer && (
        <button
          type="button"
          className="btn primary alarm-claim"
          disabled={claim.isPending}
          onClick={() => claim.mutate({ alertId: alert.id, takeOver: offer.takeOver })}
        >
          {offer.label}
        </button>
      )}
      {conflict && <p className="small">Someone else claimed it first — take over only if you must.</p>}
      {claim.isError && !conflict && <p className="form-error small">{describeError(claim.error)}</p>}
      <label className="alarm-note small">
        Note (optional)
        <input value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="row wrap">
        <button type="button" className="btn" disabled={resolve.isPending} onClick={() => close("resolved")}>
          Resolved
        </button>
        <button
          type="button"
          className="btn"
          disabled={resolve.isPending}
          onClick={() => close("false_alarm")}
        >
          False alarm
        </button>
        {alert.state === "claimed" && (
          <button type="button" className="btn ghost" onClick={() => alertsStore.minimise(alert.id)}>
            Minimise
          </button>
        )}
      </div>
      {resolve.isError && <p className="form-error small">{describeError(resolve.error)}</p>}
      {alert.claimedBy && (
        <p className="small" data-testid="alarm-owner">
          Handled by <bdi>{alert.claimedBy.id === me ? "you" : shownName(alert.claimedBy)}</bdi>
        </p>
      )}
    </div>
  );
}
