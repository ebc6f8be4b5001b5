/** Keeps every monitored channel subscribed, whatever screen is open (listen to all, talk on one). */
import { useEffect } from "react";
import { connection } from "../realtime/realtime";
import { useSettings } from "../settings/settings-store";

export function useMonitoring() {
  const monitored = useSettings((s) => s.monitored);
  useEffect(() => {
    for (const id of monitored) connection.subscribe(id);
    return () => {
      for (const id of monitored) {
        // Still open on screen? The screen's own feed keeps it.
        if (!location.pathname.endsWith(`/channels/${id}`)) connection.unsubscribe(id);
      }
    };
  }, [monitored]);
}
