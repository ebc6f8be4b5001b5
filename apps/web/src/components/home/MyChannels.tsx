/** The home screen's standalone channels (event channels are on each event's page), and creating one. */
import type { Channel } from "@won/protocol";
import { Link } from "react-router";
import { useChannels } from "../../state/queries/channels";
import { ChevronIcon } from "../Icons";
import { NewChannelForm } from "../NewChannelForm";
import { Spinner } from "../ui";

export function MyChannels() {
  const channels = useChannels();
  const standalone = (channels.data ?? []).filter((c) => c.eventId === null && c.kind !== "direct");
  return (
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
              <ChannelLink channel={c} />
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary className="muted small">Create a standalone channel</summary>
        <NewChannelForm />
      </details>
    </section>
  );
}

function ChannelLink({ channel: c }: { channel: Channel }) {
  return (
    <Link to={`/channels/${c.id}`} className="list-item">
      <div>
        <div className="title"># {c.name}</div>
        {c.description && <div className="sub">{c.description}</div>}
      </div>
      <span className="chev">
        <ChevronIcon />
      </span>
    </Link>
  );
}
