/**
 * Positions for alerts. `useMyPosition`: the viewer's own, watched only while something needs it
 * (an alarm with a location), for distance and bearing. `useAlertLocationReporter`: the raiser's,
 * watched while their alert is not closed and reported at most every 10 s.
 */
import type { Alert, AlertLocation } from "@won/protocol";
import { useEffect, useRef, useState } from "react";
import type { LatLon } from "../alerts/geo";
import { shouldReport } from "../alerts/location-throttle";
import { watchFix } from "../alerts/position";
import { reportAlertLocation } from "../state/queries/alerts";

export function useMyPosition(enabled: boolean): LatLon | null {
  const [pos, setPos] = useState<LatLon | null>(null);
  useEffect(() => {
    if (!enabled) return;
    return watchFix((l) => setPos({ lat: l.lat, lon: l.lon }));
  }, [enabled]);
  return pos;
}

export function useAlertLocationReporter(alert: Alert) {
  const open = alert.state !== "closed";
  // The fix sent with the alert counts as the first report.
  const lastSent = useRef<number | null>(alert.location ? Date.parse(alert.location.at) : null);
  useEffect(() => {
    if (!open) return;
    let busy = false;
    return watchFix((l: AlertLocation) => {
      const now = Date.now();
      if (busy || !shouldReport(lastSent.current, now)) return;
      busy = true;
      lastSent.current = now;
      reportAlertLocation(alert.id, l)
        .catch((e) => console.warn("location report failed", e))
        .finally(() => {
          busy = false;
        });
    });
  }, [open, alert.id]);
}
