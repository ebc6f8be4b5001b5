/**
 * Radio mode: a channel as a handheld radio for a phone in a pocket. Full screen and dark, a huge
 * talk area, channel up/down among my channels, the current speaker's name in large type, who is
 * online, and a lock. Locked, no tap does anything — the talk area included — except holding the
 * unlock control; headset and Bluetooth buttons keep talking (see `useHeadsetTalk`).
 */
import type { Channel } from "@won/protocol";
import { Link, useNavigate, useParams } from "react-router";
import { CueMuteButton } from "../components/pocket/ChannelPocketBar";
import { useRadioLock } from "../components/pocket/useRadioLock";
import { Spinner } from "../components/ui";
import { useChannelFeed } from "../hooks/useChannelFeed";
import { useHeadsetTalk } from "../hooks/useHeadsetTalk";
import { useTalkButton } from "../hooks/useTalkButton";
import { useWakeLock } from "../hooks/useWakeLock";
import { radioDisplay, stepChannel } from "../pocket/radio-view";
import { talkAvailability } from "../ptt/talk-availability";
import { useSettings } from "../settings/settings-store";
import { selectChannel, useLive } from "../state/live-store";
import { useChannel, useChannels } from "../state/queries/channels";
import { shownName } from "../users/user-name";
import "../pocket/pocket.css";

export function RadioScreen() {
  const { channelId = "" } = useParams();
  const channel = useChannel(channelId);
  useChannelFeed(channelId);
  useWakeLock(true);
  if (!channel.data)
    return (
      <main id="main" className="radio">
        {channel.isError ? (
          <Link to="/">Channel not available — back home</Link>
        ) : (
          <Spinner label="Loading channel" />
        )}
      </main>
    );
  return <Radio channel={channel.data} />;
}

function useRadioState(c: Channel) {
  const ch = useLive(selectChannel(c.id));
  const myTalk = useLive((s) => (s.talk?.channelId === c.id ? s.talk : null));
  const talkingElsewhere = useLive((s) => s.talk !== null && s.talk.channelId !== c.id);
  const connected = useLive((s) => s.status === "open");
  const toggle = useSettings((s) => s.pttMode === "toggle");
  const availability = talkAvailability(c.abilities, {
    connected,
    subscribed: ch.subscribed,
    talkingElsewhere,
  });
  return { ch, myTalk, connected, toggle, availability };
}

function Radio({ channel: c }: { channel: Channel }) {
  const navigate = useNavigate();
  const channels = useChannels().data ?? [];
  const { ch, myTalk, connected, toggle, availability } = useRadioState(c);
  const lock = useRadioLock();
  const go = (step: 1 | -1) => {
    const next = stepChannel(channels, c.id, step);
    if (next) navigate(`/channels/${next.id}/radio`, { replace: true });
  };
  useHeadsetTalk({
    channelId: c.id,
    channelName: c.name,
    abilities: c.abilities,
    onNext: () => go(1),
    onPrevious: () => go(-1),
  });
  const button = useTalkButton(c.id, availability.enabled);
  const talking = myTalk?.phase === "talking";
  const view = radioDisplay({
    connected,
    speakerName: ch.speaker ? shownName(ch.speaker.user) : null,
    talking,
    requesting: !!myTalk && !talking,
    toggle,
    locked: lock.locked,
    mayTalk: availability.mayTalk,
  });

  return (
    <main id="main" className="radio" data-locked={lock.locked} data-testid="radio">
      <RadioTop channelId={c.id} locked={lock.locked} onLock={lock.lock} />
      <div className="radio-channel" inert={lock.locked}>
        <button type="button" className="radio-step" aria-label="Previous channel" onClick={() => go(-1)}>
          ▲
        </button>
        <div>
          <h1 className="radio-name"># {c.name}</h1>
          <p className="radio-online" data-testid="radio-online">
            {ch.online.length} online
          </p>
        </div>
        <button type="button" className="radio-step" aria-label="Next channel" onClick={() => go(1)}>
          ▼
        </button>
      </div>
      <p
        className={`radio-speaker ${view.tone}`}
        role="status"
        aria-live="assertive"
        data-testid="radio-speaker"
      >
        {view.headline}
        {view.tone === "live" && ch.speaker && (
          <span className="radio-handle">@{ch.speaker.user.username}</span>
        )}
      </p>
      <button
        type="button"
        className="radio-talk"
        data-state={talking ? "talking" : myTalk ? "requesting" : ch.speaker ? "busy" : "idle"}
        data-latched={(talking && toggle) || undefined}
        data-testid="radio-talk"
        disabled={!availability.mayTalk || lock.locked}
        inert={lock.locked}
        {...button}
      >
        {view.action}
      </button>
      {lock.locked && (
        <button type="button" className="radio-unlock" data-testid="radio-unlock" {...lock.unlockProps}>
          <span className="radio-unlock-fill" style={{ width: `${Math.round(lock.progress * 100)}%` }} />
          <span className="radio-unlock-text">Hold {lock.holdSeconds} s to unlock</span>
        </button>
      )}
    </main>
  );
}

/** Exit, the channel's chirp mute, and Lock; inert while locked. */
function RadioTop({ channelId, locked, onLock }: { channelId: string; locked: boolean; onLock: () => void }) {
  return (
    <div className="radio-top" inert={locked}>
      <Link className="radio-exit" to={`/channels/${channelId}`}>
        ← Exit
      </Link>
      <CueMuteButton channelId={channelId} className="radio-chip" />
      <button type="button" className="radio-chip" onClick={onLock}>
        Lock
      </button>
    </div>
  );
}
