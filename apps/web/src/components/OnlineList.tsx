/** Who is online in a channel right now, the current speaker marked. */
import { selectChannel, useLive } from "../state/live-store";
import { UserName } from "./UserName";
import { Avatar } from "./ui";

export function OnlineList({ channelId }: { channelId: string }) {
  const ch = useLive(selectChannel(channelId));
  const speakerId = ch.speaker?.user.id;
  return (
    <section className="card" aria-labelledby="online-title">
      <h2 id="online-title">
        Online <span className="badge talk">{ch.online.length}</span>
      </h2>
      {ch.online.length === 0 ? (
        <p className="muted small">{ch.subscribed ? "Nobody else is here." : "Connecting…"}</p>
      ) : (
        <ul
          className={`online-list list${ch.subscribed ? "" : " stale"}`}
          data-testid="online-list"
          aria-label={ch.subscribed ? "Online now" : "Last known, reconnecting"}
        >
          {ch.online.map((u) => (
            <li key={u.id} className="chip">
              <Avatar user={u} talking={u.id === speakerId} />
              <UserName user={u} />
              {u.id === speakerId && <span className="visually-hidden"> (talking)</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
