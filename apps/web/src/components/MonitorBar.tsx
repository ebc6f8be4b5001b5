/** The monitored channels, each showing who talks there right now. Tap to open (and talk on) one. */
import { Link, useParams } from "react-router";
import { useSettings } from "../settings/settings-store";
import { useLive } from "../state/live-store";
import { useChannels } from "../state/queries/channels";
import { userLabel } from "../users/user-name";
import { HeadphonesIcon } from "./Icons";

export function MonitorBar() {
  const monitored = useSettings((s) => s.monitored);
  const channels = useChannels();
  const live = useLive((s) => s.channels);
  const talk = useLive((s) => s.talk);
  const { channelId } = useParams();
  if (monitored.length === 0) return null;
  const byId = new Map((channels.data ?? []).map((c) => [c.id, c]));
  return (
    <nav className="monitor-bar" aria-label="Monitored channels">
      <span className="muted small row monitor-label">
        <HeadphonesIcon /> Listening
      </span>
      {monitored.map((id) => {
        const c = byId.get(id);
        const sp = live[id]?.speaker;
        const mine = talk?.channelId === id;
        return (
          <Link
            key={id}
            to={`/channels/${id}`}
            className={`monitor-chip${sp || mine ? " live" : ""}`}
            aria-current={channelId === id ? "page" : undefined}
          >
            {(sp || mine) && <span className="dot" aria-hidden="true" />}
            {c ? `# ${c.name}` : "Channel"}
            {mine ? " — you're talking" : sp ? ` — ${userLabel(sp.user)}` : ""}
          </Link>
        );
      })}
    </nav>
  );
}
