/**
 * The SOS control on home. It raises in the event chosen by `defaultSosEvent` (the one running
 * now, else the nearest in time) so no extra tap stands between a steward and help; with several
 * events a picker beside it can change that before holding.
 */
import { useState } from "react";
import { defaultSosEvent } from "../../alerts/sos-event";
import { useEvents } from "../../state/queries/events";
import { SosButton } from "./SosButton";

export function HomeSos() {
  const events = useEvents();
  const [picked, setPicked] = useState<string | null>(null);
  const list = events.data ?? [];
  if (list.length === 0) return null;
  const eventId = list.some((e) => e.id === picked) ? picked! : defaultSosEvent(list, Date.now())!.id;

  return (
    <section className="card sos-card" aria-label="Emergency">
      <SosButton eventId={eventId} channelId={null} />
      {list.length > 1 ? (
        <label className="sos-event small">
          Alert goes to
          <select className="sos-event-select" value={eventId} onChange={(e) => setPicked(e.target.value)}>
            {list.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <span className="sos-event small muted">Alert goes to {list[0]!.name}</span>
      )}
    </section>
  );
}
