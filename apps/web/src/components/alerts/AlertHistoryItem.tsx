/**
 * One alert in an event's history: what the alert itself carries — raised, claimed (the latest
 * claimer), escalations, closed — and, for staff, its full audit trail on demand (every claim and
 * take-over, each device it reached, each location).
 */
import type { Alert } from "@won/protocol";
import { timeAgo } from "../../alerts/time-ago";
import { shownName } from "../../users/user-name";
import { UserName } from "../UserName";
import { formatTime } from "../ui";
import { AlertAuditTrail } from "./AlertAuditTrail";
import { AlertRecordings } from "./AlertRecordings";
import { AlertWhere } from "./AlertWhere";

const STATE_LABEL: Record<Alert["state"], string> = { open: "Open", claimed: "Claimed", closed: "Closed" };
const OUTCOME_LABEL = { resolved: "resolved", false_alarm: "false alarm" } as const;

export function AlertHistoryItem({ alert: a, now, staff }: { alert: Alert; now: number; staff: boolean }) {
  return (
    <article className={`card alert-item ${a.state}`} data-testid="alert-item" data-state={a.state}>
      <div className="row wrap">
        <span className={`badge ${a.state === "closed" ? "" : "danger"}`}>
          {STATE_LABEL[a.state]}
          {a.outcome ? ` · ${OUTCOME_LABEL[a.outcome]}` : ""}
        </span>
        <strong>
          <UserName user={a.raisedBy} />
        </strong>
        <span className="small muted">
          <time dateTime={a.createdAt}>{formatTime(a.createdAt)}</time> (
          {timeAgo(Date.parse(a.createdAt), now)})
        </span>
      </div>
      <ol className="alert-trail small">
        <li>Raised {formatTime(a.createdAt)}</li>
        {a.escalations > 0 && <li>Re-sent {a.escalations}× while unclaimed</li>}
        {a.claimedBy && a.claimedAt && (
          <li>
            Claimed by {shownName(a.claimedBy)} at {formatTime(a.claimedAt)}
          </li>
        )}
        {a.closedBy && a.closedAt && (
          <li>
            Closed {a.outcome ? `(${OUTCOME_LABEL[a.outcome]}) ` : ""}by {shownName(a.closedBy)} at{" "}
            {formatTime(a.closedAt)}
          </li>
        )}
      </ol>
      {a.note && <p className="small">Note: {a.note}</p>}
      <AlertWhere alert={a} me={null} now={now} />
      <AlertRecordings alert={a} />
      {staff && <AlertAuditTrail alert={a} />}
    </article>
  );
}
