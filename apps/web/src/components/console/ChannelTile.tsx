/**
 * One channel on the console: who talks now with a live level, the last transmission with
 * replay, unread count, who is online, and the channel's mix (volume, position, mute, priority).
 * Clicking the tile selects it as the channel the talk key talks on.
 */
import type { Channel } from "@won/protocol";
import { useEffect } from "react";
import { Link } from "react-router";
import { recordingPlayer } from "../../audio/recording-player";
import { lastTransmission, unreadCount } from "../../console/activity-log";
import { useMixLevels } from "../../console/channel-mixer";
import { consoleSettings, mixOf, useConsoleSettings } from "../../console/console-settings";
import { MAX_DB, MIN_DB, type PanPosition } from "../../console/mix-math";
import { useChannelFeed } from "../../hooks/useChannelFeed";
import { denialText } from "../../ptt/talk-panel-view";
import { selectChannel, selectTimeline, useLive } from "../../state/live-store";
import { maxSeq } from "../../timeline/timeline";
import { UserVolume } from "../UserVolume";
import { Fill, formatDuration, formatTime } from "../ui";

export interface TileProps {
  channel: Channel;
  index: number;
  selected: boolean;
  selfId: string | undefined;
  onSelect: (id: string) => void;
}

const PANS: PanPosition[] = ["left", "centre", "right"];

export function ChannelTile({ channel, index, selected, selfId, onSelect }: TileProps) {
  const id = channel.id;
  useChannelFeed(id);
  const live = useLive(selectChannel(id));
  const timeline = useLive(selectTimeline(id));
  const talk = useLive((s) => (s.talk?.channelId === id ? s.talk : null));
  const denial = useLive((s) =>
    s.denial?.channelId === id && Date.now() - s.denial.at < 5_000 ? s.denial : null,
  );
  const level = useMixLevels((s) => s[id] ?? 0);
  const mix = useConsoleSettings((s) => mixOf(s, id));
  const lastSeen = useConsoleSettings((s) => s.lastSeen[id]);
  const newest = maxSeq(timeline);
  useEffect(() => {
    // First visit: what is already there counts as seen; while selected, everything does.
    if (newest !== undefined && (lastSeen === undefined || selected)) consoleSettings.markSeen(id, newest);
  }, [id, newest, lastSeen, selected]);
  const unread = unreadCount(timeline, lastSeen, selfId);
  const last = lastTransmission(timeline);
  const speaker = live.speaker;
  const state = talk ? "talking" : speaker ? "busy" : denial ? "denied" : "idle";
  const name =
    channel.kind === "direct" && channel.peer ? `↔ ${channel.peer.displayName}` : `# ${channel.name}`;
  return (
    <section
      className={`card console-tile${selected ? " selected" : ""}`}
      aria-label={name}
      data-testid="console-tile"
      data-channel={id}
      data-state={state}
    >
      <header className="row">
        <button
          type="button"
          className="tile-select"
          aria-pressed={selected}
          aria-label={`Select ${name} to talk`}
          data-testid="tile-select"
          onClick={() => onSelect(id)}
        >
          {index < 9 && <span className="badge">{index + 1}</span>} <strong>{name}</strong>
        </button>
        <Link to={`/channels/${id}`} className="small">
          Open
        </Link>
        <span className="spacer" />
        {unread > 0 && (
          <span className="badge accent" data-testid="tile-unread">
            {unread} <span className="visually-hidden">unread</span>
          </span>
        )}
        <span className="small muted" data-testid="tile-online">
          {live.online.length} online
        </span>
      </header>
      <div className="tile-now" data-testid="tile-speaker">
        {talk ? (
          <strong>You are {talk.phase === "talking" ? "on air" : "waiting…"}</strong>
        ) : speaker ? (
          <>
            <UserVolume user={speaker.user} />
            {speaker.allCall && <span className="badge danger">ALL-CALL</span>}
          </>
        ) : denial ? (
          <span className="text-danger">{denialText(denial)}</span>
        ) : (
          <span className="muted">Quiet</span>
        )}
      </div>
      <div className="progress level" aria-hidden="true">
        <Fill fraction={speaker ? level : 0} />
      </div>
      <LastTransmission last={last} />
      <TileMix id={id} mix={mix} name={name} />
    </section>
  );
}

function LastTransmission({ last }: { last: ReturnType<typeof lastTransmission> }) {
  if (!last) return <p className="small muted">No transmissions yet</p>;
  return (
    <p className="small row" data-testid="tile-last">
      <button
        type="button"
        className="btn small"
        aria-label={`Replay ${last.sender.displayName}`}
        onClick={() => recordingPlayer.toggle(last)}
      >
        ▶
      </button>
      <span>
        {last.sender.displayName} · {formatTime(last.createdAt)} ·{" "}
        {formatDuration(last.recording?.durationMs ?? 0)}
      </span>
    </p>
  );
}

function TileMix({ id, mix, name }: { id: string; mix: ReturnType<typeof mixOf>; name: string }) {
  const set = (c: Parameters<typeof consoleSettings.setMix>[1]) => consoleSettings.setMix(id, c);
  return (
    <div className="tile-mix row">
      <input
        type="range"
        min={MIN_DB}
        max={MAX_DB}
        value={mix.volumeDb}
        aria-label={`${name} volume, dB`}
        data-testid="tile-volume"
        onChange={(e) => set({ volumeDb: Number(e.target.value) })}
      />
      <fieldset className="segmented" aria-label={`${name} position`}>
        {PANS.map((p) => (
          <button
            key={p}
            type="button"
            className={`btn small${mix.pan === p ? " primary" : ""}`}
            aria-pressed={mix.pan === p}
            data-testid={`tile-pan-${p}`}
            onClick={() => set({ pan: p })}
          >
            {p[0]!.toUpperCase()}
          </button>
        ))}
      </fieldset>
      <button
        type="button"
        className="btn small"
        aria-pressed={mix.muted}
        data-testid="tile-mute"
        onClick={() => set({ muted: !mix.muted })}
      >
        {mix.muted ? "Muted" : "Mute"}
      </button>
      <button
        type="button"
        className="btn small"
        aria-pressed={mix.priority}
        data-testid="tile-priority"
        onClick={() => set({ priority: !mix.priority })}
      >
        Priority
      </button>
    </div>
  );
}
