/** An event: details, channels and their patches, members, and the tools its abilities allow me. */
import { Link, useParams } from "react-router";
import { describeError } from "../api/problem";
import { DeleteEvent, EventInvite, LeaveEvent } from "../components/event/EventActions";
import { EventChannels } from "../components/event/EventChannels";
import { EventDetails } from "../components/event/EventDetails";
import { EventPatches } from "../components/event/EventPatches";
import { MembersList } from "../components/MembersList";
import { Spinner } from "../components/ui";
import { roleLabel } from "../members/role-label";
import { useEvent } from "../state/queries/events";

export function EventScreen() {
  const { eventId = "" } = useParams();
  const event = useEvent(eventId);

  if (event.isPending)
    return (
      <main id="main" className="main">
        <Spinner label="Loading event" />
      </main>
    );
  if (event.isError)
    return (
      <main id="main" className="main">
        <p className="form-error">{describeError(event.error)}</p>
        <Link to="/">Back home</Link>
      </main>
    );
  const ev = event.data;

  return (
    <main id="main" className="main">
      <nav className="small" aria-label="Breadcrumb">
        <Link to="/">Home</Link> / {ev.name}
      </nav>
      <div className="row event-head">
        <h1 className="screen-title">{ev.name}</h1>
        <span className="badge accent">{roleLabel(ev.myRole)}</span>
        <span className="spacer" />
        {ev.abilities.handleAlerts && (
          <Link className="btn small" to={`/events/${ev.id}/console`} data-testid="event-console-link">
            Console
          </Link>
        )}
        <Link className="btn small" to={`/events/${ev.id}/alerts`} data-testid="event-alerts-link">
          {ev.abilities.handleAlerts ? "Alerts" : "My alerts"}
        </Link>
      </div>
      <div className="grid-2">
        <div>
          <EventDetails event={ev} />
          <EventChannels event={ev} />
          <EventPatches event={ev} />
        </div>
        <div>
          <EventInvite event={ev} />
          <MembersList eventId={ev.id} />
          <LeaveEvent event={ev} />
          <DeleteEvent event={ev} />
        </div>
      </div>
    </main>
  );
}
