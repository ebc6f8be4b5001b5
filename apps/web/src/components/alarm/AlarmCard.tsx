/**
 * One alert on the staff alarm: who raised it, in which event and channel, how long ago (live),
 * where (distance and bearing from me, map links), the hot mic while it is live, the recordings
 * after it, and the actions.
 */
import type { Alert } from "@won/protocol";
import { useAlerts } from "../../alerts/alerts-store";
import type { LatLon } from "../../alerts/geo";
import { timeAgo } from "../../alerts/time-ago";
import { useEvent } from "../../state/queries/events";
import { AlertRecordings } from "../alerts/AlertRecordings";
import { AlertWhere } from "../alerts/AlertWhere";
import { UserName } from "../UserName";
import { AlarmActions } from "./AlarmActions";

export function AlarmCard({ alert, me, now }: { alert: Alert; me: LatLon | null; now: number }) {
  const event = useEvent(alert.eventId);
  const live = useAlerts((s) => s.hot[alert.id]);
  const channel = event.data?.channels.find((c) => c.id === (live?.channelId ?? alert.channelId));
  const titleId = `alarm-title-${alert.id}`;

  return (
    <article className={`alarm-card ${alert.state}`} aria-labelledby={titleId} data-testid="alarm-card">
      <h2 id={titleId} className="alarm-who">
        SOS · <UserName user={alert.raisedBy} testId="alarm-raiser" />
      </h2>
      <p className="alarm-meta">
        {event.data?.name ?? "Event"}
        {channel ? ` · # ${channel.name}` : ""} · raised{" "}
        <time dateTime={alert.createdAt}>{timeAgo(Date.parse(alert.createdAt), now)}</time>
        {alert.escalations > 0 && ` · unanswered, re-sent ${alert.escalations}×`}
      </p>
      {alert.note && <p className="alarm-note-text">“{alert.note}”</p>}
      {live && (
        <p className="alarm-live" data-testid="alarm-live" role="status">
          <span className="live-dot" aria-hidden="true" /> Live microphone — listening
        </p>
      )}
      <AlertWhere alert={alert} me={me} now={now} />
      <AlertRecordings alert={alert} />
      <AlarmActions alert={alert} />
    </article>
  );
}
