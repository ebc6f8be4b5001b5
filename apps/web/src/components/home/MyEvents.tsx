/** The home screen's list of my events, with my role, member count and dates, and "New event". */
import type { Event } from "@won/protocol";
import { Link } from "react-router";
import { describeError } from "../../api/problem";
import { roleLabel } from "../../members/role-label";
import { useEvents } from "../../state/queries/events";
import { ChevronIcon } from "../Icons";
import { Spinner } from "../ui";

export function MyEvents() {
  const events = useEvents();
  return (
    <section className="card" aria-labelledby="events-title">
      <div className="row">
        <h2 id="events-title">My events</h2>
        <span className="spacer" />
        <Link to="/events/new" className="btn primary small">
          New event
        </Link>
      </div>
      {events.isPending ? (
        <Spinner label="Loading events" />
      ) : events.isError ? (
        <p className="form-error">{describeError(events.error)}</p>
      ) : events.data.length === 0 ? (
        <p className="empty">No events yet. Create one, or join with a code.</p>
      ) : (
        <ul className="list" data-testid="event-list">
          {events.data.map((ev) => (
            <li key={ev.id}>
              <EventLink event={ev} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EventLink({ event: ev }: { event: Event }) {
  return (
    <Link to={`/events/${ev.id}`} className="list-item">
      <div>
        <div className="title">{ev.name}</div>
        <div className="sub">
          <span className="badge accent">{roleLabel(ev.myRole)}</span> · {ev.memberCount} member
          {ev.memberCount === 1 ? "" : "s"}
          {ev.startsAt ? ` · ${when(ev.startsAt, ev.endsAt)}` : ""}
        </div>
      </div>
      <span className="chev">
        <ChevronIcon />
      </span>
    </Link>
  );
}

function when(startsAt: string | null, endsAt: string | null): string {
  if (!startsAt) return "";
  const s = new Date(startsAt).toLocaleString([], {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
  return endsAt
    ? `${s} – ${new Date(endsAt).toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })}`
    : s;
}
