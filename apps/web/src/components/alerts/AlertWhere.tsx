/**
 * Where an alert is: how far and which way from the viewer (when both positions are known), how
 * precise the fix is, how old it is, and links to open it in a maps app.
 */
import type { Alert } from "@won/protocol";
import { describeOffset, type LatLon, mapLinks } from "../../alerts/geo";
import { timeAgo } from "../../alerts/time-ago";

export function AlertWhere({ alert, me, now }: { alert: Alert; me: LatLon | null; now: number }) {
  const at = alert.location;
  if (!at) return <p className="small muted">No location shared</p>;
  const offset = describeOffset(me, at);
  const links = mapLinks(at, navigator.userAgent);
  return (
    <div className="alert-where">
      <p>
        {offset ? (
          <strong className="alert-offset" data-testid="alarm-distance">
            {offset} of you
          </strong>
        ) : (
          <strong className="alert-offset">{me ? "" : "Location shared"}</strong>
        )}{" "}
        <span className="small muted">
          ±{Math.round(at.accuracyM)} m · fix {timeAgo(Date.parse(at.at), now)}
        </span>
      </p>
      <p className="row wrap">
        <a className="btn small" href={links.web} target="_blank" rel="noreferrer" data-testid="alarm-map">
          Open map
        </a>
        {links.geo && (
          <a className="btn small" href={links.geo}>
            Open in maps app
          </a>
        )}
      </p>
    </div>
  );
}
