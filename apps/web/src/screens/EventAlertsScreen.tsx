/**
 * An event's alert history: staff see every alert, others their own (the server decides). Each
 * shows its state and outcome, who raised, claimed and closed it and when, escalations, the last
 * location and the hot-mic recordings. New and changed alerts refetch the list live.
 */
import { Link, useParams } from "react-router";
import { describeError } from "../api/problem";
import { AlertHistoryItem } from "../components/alerts/AlertHistoryItem";
import { Spinner } from "../components/ui";
import { useNow } from "../hooks/useNow";
import { useEventAlerts } from "../state/queries/alerts";
import { useEvent } from "../state/queries/events";

export function EventAlertsScreen() {
  const { eventId = "" } = useParams();
  const event = useEvent(eventId);
  const alerts = useEventAlerts(eventId);
  const now = useNow(30_000);
  const list = alerts.data?.pages.flatMap((p) => p.alerts) ?? [];
  const staff = event.data?.abilities.handleAlerts ?? false;

  return (
    <main id="main" className="main">
      <nav className="small" aria-label="Breadcrumb">
        <Link to="/">Home</Link> / <Link to={`/events/${eventId}`}>{event.data?.name ?? "Event"}</Link> /
        Alerts
      </nav>
      <h1 className="screen-title">{staff ? "Alerts" : "My alerts"}</h1>
      {alerts.isPending ? (
        <Spinner label="Loading alerts" />
      ) : alerts.isError ? (
        <p className="form-error">{describeError(alerts.error)}</p>
      ) : list.length === 0 ? (
        <p className="empty">No alerts {staff ? "in this event" : "raised by you"}.</p>
      ) : (
        <ul className="alert-history" data-testid="alert-history">
          {list.map((a) => (
            <li key={a.id}>
              <AlertHistoryItem alert={a} now={now} staff={staff} />
            </li>
          ))}
        </ul>
      )}
      {alerts.hasNextPage && (
        <button
          type="button"
          className="btn"
          disabled={alerts.isFetchingNextPage}
          onClick={() => void alerts.fetchNextPage()}
        >
          Older alerts
        </button>
      )}
    </main>
  );
}
