/**
 * What the raiser sees of their own alerts, on every screen: sent to how many staff, who is
 * coming, the hot mic while it is open, and "Cancel — false alarm" (asked twice, so a panicked
 * tap cannot cancel a real emergency). Their position is reported while the alert is not closed.
 * A closed alert stays until dismissed, saying how it ended.
 */
import type { Alert } from "@won/protocol";
import { useEffect, useState } from "react";
import { mineOf } from "../../alerts/alert-book";
import { alertsStore, useAlerts } from "../../alerts/alerts-store";
import { describeError } from "../../api/problem";
import { useSessionStore } from "../../auth/session";
import { useAlertLocationReporter } from "../../hooks/useAlertPositions";
import { useNow } from "../../hooks/useNow";
import { talk } from "../../realtime/realtime";
import { getLive, useLive } from "../../state/live-store";
import { useResolveAlert } from "../../state/queries/alerts";
import { useEventMembers } from "../../state/queries/members";
import { shownName } from "../../users/user-name";

export function RaiserPanel() {
  const me = useSessionStore((s) => s.session?.user.id);
  const book = useAlerts((s) => s.book);
  const dismissed = useAlerts((s) => s.dismissed);
  const mine = mineOf(book, me, dismissed);
  if (mine.length === 0) return null;
  return (
    <div className="raiser-panels">
      {mine.map((a) => (
        <RaiserBanner key={a.id} alert={a} />
      ))}
    </div>
  );
}

function RaiserBanner({ alert }: { alert: Alert }) {
  useAlertLocationReporter(alert);
  const closed = alert.state === "closed";
  // Closed by staff while the hot mic is still open: the mic closes with it.
  useEffect(() => {
    if (closed && getLive().talk?.alertId === alert.id) talk.stopHotMic();
  }, [closed, alert.id]);
  return (
    <section
      className={`raiser-banner ${alert.state}`}
      data-testid="sos-banner"
      data-state={alert.state}
      aria-label="Your SOS"
    >
      <div role="status" aria-live="assertive" className="raiser-status">
        <RaiserStatus alert={alert} />
      </div>
      {!closed && <HotMicLine alertId={alert.id} />}
      {closed ? (
        <button type="button" className="btn small" onClick={() => alertsStore.dismiss(alert.id)}>
          Dismiss
        </button>
      ) : (
        <CancelFalseAlarm alertId={alert.id} />
      )}
    </section>
  );
}

function RaiserStatus({ alert }: { alert: Alert }) {
  const me = useSessionStore((s) => s.session?.user.id);
  const members = useEventMembers(alert.eventId);
  const staff = members.data?.filter((m) => m.role !== "participant" && m.user.id !== me).length;
  if (alert.state === "closed") {
    const by = alert.closedBy ? shownName(alert.closedBy) : "staff";
    return alert.outcome === "false_alarm" ? (
      <strong>SOS cancelled as a false alarm{alert.closedBy?.id === me ? "" : ` by ${by}`}</strong>
    ) : (
      <strong>SOS resolved by {by}</strong>
    );
  }
  if (alert.state === "claimed" && alert.claimedBy)
    return (
      <strong>
        SOS sent — help is coming: claimed by{" "}
        <bdi data-testid="sos-claimed-by">{shownName(alert.claimedBy)}</bdi>
      </strong>
    );
  return (
    <>
      <strong>
        SOS sent{staff === undefined ? "" : ` to ${staff} staff`} — waiting for someone to respond
      </strong>
      {alert.receivedBy > 0 && (
        <span className="small" data-testid="sos-received">
          {" "}
          · on screen for {alert.receivedBy} staff
        </span>
      )}
      {alert.escalations > 0 && <span className="small"> · re-sent {alert.escalations}×</span>}
    </>
  );
}

function HotMicLine({ alertId }: { alertId: string }) {
  const t = useLive((s) => (s.talk?.alertId === alertId ? s.talk : null));
  const now = useNow(250);
  if (!t) return null;
  const left =
    t.since && t.maxDurationMs ? Math.max(0, Math.ceil((t.since + t.maxDurationMs - now) / 1000)) : null;
  return (
    <div className="hot-mic-line" data-testid="hot-mic">
      <span className="live-dot" aria-hidden="true" />
      {t.phase === "talking"
        ? `Your microphone is live to staff${left === null ? "" : ` — ${left} s`}`
        : "Opening microphone…"}
      <button type="button" className="btn small" onClick={() => talk.stopHotMic()}>
        Stop mic
      </button>
    </div>
  );
}

function CancelFalseAlarm({ alertId }: { alertId: string }) {
  const [asking, setAsking] = useState(false);
  const resolve = useResolveAlert();
  if (!asking)
    return (
      <button type="button" className="btn small" onClick={() => setAsking(true)}>
        Cancel — false alarm
      </button>
    );
  return (
    <div className="row wrap">
      <span className="small">Cancel this SOS?</span>
      <button
        type="button"
        className="btn small danger"
        disabled={resolve.isPending}
        onClick={() =>
          resolve.mutate({ alertId, outcome: "false_alarm" }, { onSuccess: () => talk.stopHotMic() })
        }
      >
        Yes, false alarm
      </button>
      <button type="button" className="btn small" onClick={() => setAsking(false)}>
        No, keep it
      </button>
      {resolve.isError && <span className="form-error small">{describeError(resolve.error)}</span>}
    </div>
  );
}
