/**
 * The staff alarm, mounted at the app root so it survives navigation, and fed from the alert
 * book, which `ready` re-seeds on every (re)connect — so it survives a reload too. While any
 * alert is unclaimed it covers the screen and sounds; a claimed one may shrink to a red bar.
 * Several alerts stack in one list, unclaimed first.
 */
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { alarmTone } from "../../alerts/alarm-tone";
import { alarmLayout, alarmsFor } from "../../alerts/alert-book";
import { alertsStore, useAlerts } from "../../alerts/alerts-store";
import { deviceLabel } from "../../alerts/audit-text";
import { api } from "../../api/endpoints";
import { unlockAudio } from "../../audio/audio-context";
import { useSessionStore } from "../../auth/session";
import { useMyPosition } from "../../hooks/useAlertPositions";
import { useNow } from "../../hooks/useNow";
import { shownName } from "../../users/user-name";
import { AudioUnlockBanner } from "../AudioUnlockBanner";
import { AlarmCard } from "./AlarmCard";

/** Alerts already reported as on screen here (the server keeps one receipt per device anyway). */
const reported = new Set<string>();

/** Tells the server, once per alert, that this device shows it: "received by whom, on what, when". */
function useReceipts(ids: readonly string[]) {
  const key = ids.join(",");
  useEffect(() => {
    const device = deviceLabel(navigator.userAgent, navigator.platform);
    for (const id of key ? key.split(",") : []) {
      if (reported.has(id)) continue;
      reported.add(id);
      api.alertReceived(id, device).catch(() => reported.delete(id));
    }
  }, [key]);
}

export function AlarmLayer() {
  const me = useSessionStore((s) => s.session?.user.id);
  const book = useAlerts((s) => s.book);
  const minimised = useAlerts((s) => s.minimised);
  const alarms = alarmsFor(book, me);
  const { full, bars, sounding } = alarmLayout(alarms, minimised);
  const myPos = useMyPosition(alarms.some((a) => a.location));
  const now = useNow();
  const dialog = useRef<HTMLDivElement>(null);
  const shown = full.length > 0;

  useEffect(() => {
    if (sounding) alarmTone.start();
    else alarmTone.stop();
  }, [sounding]);
  useEffect(() => () => alarmTone.stop(), []);
  useEffect(() => {
    if (shown) dialog.current?.focus();
  }, [shown]);
  useReceipts(alarms.map((a) => a.id));

  return (
    <>
      {bars.length > 0 && (
        <div className="alarm-bars">
          {bars.map((a) => (
            <div key={a.id} className="alarm-bar" role="status" data-testid="alarm-bar">
              <strong>SOS · {shownName(a.raisedBy)}</strong>
              <span className="small">handled by {a.claimedBy ? shownName(a.claimedBy) : "—"}</span>
              <span className="spacer" />
              <Link className="btn small" to={`/events/${a.eventId}/alerts`}>
                History
              </Link>
              <button type="button" className="btn small" onClick={() => alertsStore.expand(a.id)}>
                Open
              </button>
            </div>
          ))}
        </div>
      )}
      {shown && (
        <div
          ref={dialog}
          className="alarm-overlay"
          role="alertdialog"
          aria-modal="true"
          aria-label={`Emergency: ${full.length} alert${full.length === 1 ? "" : "s"}`}
          tabIndex={-1}
          data-testid="alarm"
          data-sounding={sounding}
          onPointerDown={unlockAudio}
        >
          <p className="alarm-banner">EMERGENCY{full.length > 1 ? ` · ${full.length} alerts` : ""}</p>
          <AudioUnlockBanner />
          {full.map((a) => (
            <AlarmCard key={a.id} alert={a} me={myPos} now={now} />
          ))}
        </div>
      )}
    </>
  );
}
