/** Home: my events, my standalone channels, join with a code, create. */
import { Link } from "react-router";
import { describeError } from "../api/problem";
import { ChevronIcon } from "../components/Icons";
import { JoinBox } from "../components/JoinBox";
import { MonitorBar } from "../components/MonitorBar";
import { NewChannelForm } from "../components/NewChannelForm";
import { Spinner } from "../components/ui";
import { roleLabel } from "../members/role-label";
import { useChannels } from "../state/queries/channels";
import { useEvents } from "../state/queries/events";

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

export function HomeScreen() {
  const events = useEvents();
  const channels = useChannels();
  const standalone = (channels.data ?? []).filter((c) => c.eventId === null);

  return (
    <main id="main" className="main">
      <MonitorBar />
      <div className="grid-2 home-grid">
        <div className="join-col">
          <JoinBox />
        </div>
        <div>
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
                    <Link to={`/events/${ev.id}`} className="list-item">
                      <div>
                        <div className="title">{ev.name}</div>
                        <div className="sub">
                          <span className="badge accent">{roleLabel(ev.myRole)}</span> · {ev.memberCount}{" "}
                          member
                          {ev.memberCount === 1 ? "" : "s"}
                          {ev.startsAt ? ` · ${when(ev.startsAt, ev.endsAt)}` : ""}
                        </div>
                      </div>
                      <span className="chev">
                        <ChevronIcon />
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="channels-title">
            <h2 id="channels-title">My channels</h2>
            {channels.isPending ? (
              <Spinner label="Loading channels" />
            ) : standalone.length === 0 ? (
              <p className="empty">No standalone channels. Event channels are on each event's page.</p>
            ) : (
              <ul className="list">
                {standalone.map((c) => (
                  <li key={c.id}>
                    <Link to={`/channels/${c.id}`} className="list-item">
                      <div>
                        <div className="title"># {c.name}</div>
                        {c.description && <div className="sub">{c.description}</div>}
                      </div>
                      <span className="chev">
                        <ChevronIcon />
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
            <details>
              <summary className="muted small">Create a standalone channel</summary>
              <NewChannelForm />
            </details>
          </section>
        </div>
      </div>
    </main>
  );
}
