/** An alert's full audit trail for staff, loaded when opened: every step, who, when. */
import type { Alert } from "@won/protocol";
import { useState } from "react";
import { auditText } from "../../alerts/audit-text";
import { describeError } from "../../api/problem";
import { useAlertAudit } from "../../state/queries/alerts";
import { formatTime } from "../ui";

export function AlertAuditTrail({ alert }: { alert: Alert }) {
  const [open, setOpen] = useState(false);
  const audit = useAlertAudit(alert.id, open);
  return (
    <details className="alert-audit" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Full trail</summary>
      {audit.isPending ? (
        <p className="small muted">Loading…</p>
      ) : audit.isError ? (
        <p className="form-error">{describeError(audit.error)}</p>
      ) : (
        <ol className="alert-trail small" data-testid="alert-audit">
          {audit.data.entries.map((e, i) => (
            // The trail is append-only and ordered, so a position is a stable key.
            // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
            <li key={i}>
              <time dateTime={e.at}>{formatTime(e.at)}</time> {auditText(e)}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
