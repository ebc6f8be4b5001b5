/**
 * Every transmission and text of the console's channels in one list, newest first, narrowed by
 * channel and person; each transmission replays in place, and each entry links to its channel.
 */
import type { Channel } from "@won/protocol";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { recordingPlayer, useRecordingPlayer } from "../../audio/recording-player";
import { activityLog, type LogFilter, logSenders, NO_FILTER } from "../../console/activity-log";
import { useLive } from "../../state/live-store";
import { UserVolume } from "../UserVolume";
import { formatDuration, formatTime } from "../ui";

export function ActivityLog({ channels }: { channels: Channel[] }) {
  const [filter, setFilter] = useState<LogFilter>(NO_FILTER);
  const timelines = useLive((s) => s.timelines);
  const ids = useMemo(() => channels.map((c) => c.id), [channels]);
  const entries = useMemo(() => activityLog(timelines, ids, filter), [timelines, ids, filter]);
  const people = useMemo(() => logSenders(timelines, ids), [timelines, ids]);
  const playing = useRecordingPlayer((s) => (s.playing ? s.current : null));
  const nameOf = (id: string) => channels.find((c) => c.id === id)?.name ?? "";
  return (
    <section className="card console-log" aria-label="Activity log" data-testid="activity-log">
      <div className="row">
        <h2 className="section-title">Activity</h2>
        <span className="spacer" />
        <select
          className="log-filter"
          aria-label="Filter by channel"
          value={filter.channelId}
          onChange={(e) => setFilter({ ...filter, channelId: e.target.value })}
        >
          <option value="">All channels</option>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <select
          className="log-filter"
          aria-label="Filter by person"
          value={filter.userId}
          onChange={(e) => setFilter({ ...filter, userId: e.target.value })}
        >
          <option value="">Everyone</option>
          {people.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName}
            </option>
          ))}
        </select>
      </div>
      <ol className="log-list">
        {entries.length === 0 && <li className="muted small">Nothing yet</li>}
        {entries.map((m) => (
          <li
            key={m.id}
            className="log-entry row"
            data-testid="log-entry"
            data-kind={m.kind}
            data-channel={m.channelId}
          >
            <time className="small muted" dateTime={m.createdAt}>
              {formatTime(m.createdAt)}
            </time>
            <Link to={`/channels/${m.channelId}`} className="small" data-testid="log-channel">
              # {nameOf(m.channelId)}
            </Link>
            <UserVolume user={m.sender} />
            {m.kind === "audio" ? (
              <button
                type="button"
                className="btn small"
                data-testid="log-replay"
                aria-label={`Replay transmission from ${m.sender.displayName}`}
                onClick={() => recordingPlayer.toggle(m)}
              >
                {playing === m.id ? "⏸" : "▶"} {formatDuration(m.recording?.durationMs ?? 0)}
              </button>
            ) : (
              <span className="log-text">{m.body}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
