/** Keeps every monitored channel subscribed, whatever screen is open (listen to all, talk on one). */
import { useEffect, useRef } from "react";
import { connection } from "../realtime/realtime";
import { useSettings } from "../settings/settings-store";

const onScreen = (id: string) => location.pathname.endsWith(`/channels/${id}`);

export function useMonitoring() {
  const monitored = useSettings((s) => s.monitored);
  const previous = useRef<string[]>([]);
  useEffect(() => {
    // Diff against the previous list so toggling one channel does not churn the others.
    for (const id of monitored) connection.subscribe(id);
    for (const id of previous.current) {
      if (!monitored.includes(id) && !onScreen(id)) connection.unsubscribe(id);
    }
    previous.current = monitored;
  }, [monitored]);
  useEffect(
    () => () => {
      for (const id of previous.current) if (!onScreen(id)) connection.unsubscribe(id);
    },
    [],
  );
}
