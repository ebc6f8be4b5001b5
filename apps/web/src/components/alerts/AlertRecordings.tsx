/** The hot-mic recordings attached to an alert, each playable (fetched with the session's token). */
import type { Alert } from "@won/protocol";
import { recordingPlayer, useRecordingPlayer } from "../../audio/recording-player";
import { formatDuration } from "../ui";

export function AlertRecordings({ alert }: { alert: Alert }) {
  const current = useRecordingPlayer((s) => (s.playing ? s.current : null));
  if (alert.recordings.length === 0) return null;
  return (
    <ul className="alert-recordings" aria-label="Recordings">
      {alert.recordings.map((r, i) => {
        const playing = current === r.id;
        return (
          <li key={r.id}>
            <button
              type="button"
              className="btn small"
              aria-pressed={playing}
              onClick={() => recordingPlayer.toggle({ id: r.id, recording: r })}
            >
              {playing ? "Pause" : "Play"} recording {i + 1} ({formatDuration(r.durationMs)})
            </button>
          </li>
        );
      })}
    </ul>
  );
}
