/**
 * An event's channels as links (each with the channels it is patched with), and the new-channel
 * form for those who may create one.
 */
import type { EventWithChannels } from "@won/protocol";
import { Link } from "react-router";
import { usePatches } from "../../state/queries/patches";
import { ChevronIcon } from "../Icons";
import { NewChannelForm } from "../NewChannelForm";
import { PatchNote } from "../PatchNote";

export function EventChannels({ event: ev }: { event: EventWithChannels }) {
  const may = ev.abilities;
  const patches = usePatches(ev.id).data ?? [];
  return (
    <section className="card" aria-labelledby="channels-title">
      <h2 id="channels-title">Channels</h2>
      {ev.channels.length === 0 ? (
        <p className="empty">No channels yet.{may.createChannel ? " Create the first one below." : ""}</p>
      ) : (
        <ul className="list" data-testid="channel-list">
          {ev.channels.map((c) => (
            <li key={c.id}>
              <Link to={`/channels/${c.id}`} className="list-item">
                <div>
                  <div className="title"># {c.name}</div>
                  {c.description && <div className="sub">{c.description}</div>}
                  <PatchNote channelId={c.id} patches={patches} channels={ev.channels} />
                </div>
                <span className="chev">
                  <ChevronIcon />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {may.createChannel && (
        <details open={ev.channels.length === 0}>
          <summary className="muted small">New channel</summary>
          <NewChannelForm eventId={ev.id} />
        </details>
      )}
    </section>
  );
}
