/** Home's direct calls: one row per person I have a direct channel with, and what is unread there. */
import type { Channel } from "@won/protocol";
import { Link } from "react-router";
import { useCalls } from "../../calls/direct-calls";
import { useChannels } from "../../state/queries/channels";
import { ChevronIcon } from "../Icons";

export function DirectCalls() {
  const channels = useChannels();
  const unread = useCalls((s) => s.unread);
  const direct = (channels.data ?? []).filter((c) => c.kind === "direct");
  if (direct.length === 0) return null;
  return (
    <section className="card" aria-labelledby="direct-title">
      <h2 id="direct-title">Direct calls</h2>
      <ul className="list" data-testid="direct-calls">
        {direct.map((c) => (
          <li key={c.id}>
            <DirectLink channel={c} unread={unread[c.id] ?? 0} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function DirectLink({ channel: c, unread }: { channel: Channel; unread: number }) {
  return (
    <Link to={`/channels/${c.id}`} className="list-item">
      <div>
        <div className="title">📞 {c.name}</div>
        {c.peer && <div className="sub">@{c.peer.username}</div>}
      </div>
      {unread > 0 && (
        <span className="badge accent" data-testid="unread">
          {unread}
          <span className="visually-hidden"> unread</span>
        </span>
      )}
      <span className="chev">
        <ChevronIcon />
      </span>
    </Link>
  );
}
