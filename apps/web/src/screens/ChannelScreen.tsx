/** A channel: talk, who is online, the timeline and text input. Monitor toggle to keep listening elsewhere. */
import { Link, useNavigate, useParams } from "react-router";
import { describeError } from "../api/problem";
import { ChannelTools } from "../components/ChannelTools";
import { Composer } from "../components/Composer";
import type { GoneState } from "../components/home/gone-notice";
import { HeadphonesIcon } from "../components/Icons";
import { LeaveChannel } from "../components/LeaveChannel";
import { MonitorBar } from "../components/MonitorBar";
import { OnlineList } from "../components/OnlineList";
import { ChannelPocketBar } from "../components/pocket/ChannelPocketBar";
import { SosButton } from "../components/sos/SosButton";
import { TalkPanel } from "../components/TalkPanel";
import { Timeline } from "../components/Timeline";
import { Spinner } from "../components/ui";
import { useChannelFeed } from "../hooks/useChannelFeed";
import { useRealtimeEvent } from "../hooks/useRealtimeEvent";
import { useWakeLock } from "../hooks/useWakeLock";
import { useSettings } from "../settings/settings-store";
import { useChannel } from "../state/queries/channels";
import { useEvent } from "../state/queries/events";
import { useSendMessage } from "../state/queries/messages";

export function ChannelScreen() {
  const { channelId = "" } = useParams();
  const channel = useChannel(channelId);
  const monitored = useSettings((s) => s.monitored.includes(channelId));
  const toggleMonitored = useSettings((s) => s.toggleMonitored);
  const navigate = useNavigate();
  useChannelFeed(channelId);
  useWakeLock(true);

  const { retry } = useSendMessage(channelId);
  useRealtimeEvent("channel.gone", (e) => {
    if (e.channelId !== channelId) return;
    const state: GoneState = { gone: { channelName: channel.data?.name ?? null, reason: e.reason } };
    navigate("/", { replace: true, state });
  });

  if (channel.isPending)
    return (
      <main id="main" className="main">
        {channel.fetchStatus === "paused" ? (
          <p className="empty" role="status">
            You're offline, and this channel is not saved on this device yet. It opens when the network is
            back.
          </p>
        ) : (
          <Spinner label="Loading channel" />
        )}
      </main>
    );
  if (channel.isError)
    return (
      <main id="main" className="main">
        <p className="form-error">{describeError(channel.error)}</p>
        <Link to="/">Back home</Link>
      </main>
    );
  const c = channel.data;

  return (
    <main id="main" className="main">
      <MonitorBar />
      <div className="row screen-head">
        <nav className="small" aria-label="Breadcrumb">
          {c.eventId ? <EventCrumb eventId={c.eventId} /> : <Link to="/">Home</Link>}
        </nav>
        <h1 className="screen-title"># {c.name}</h1>
        <span className="spacer" />
        <ChannelPocketBar channel={c} />
        <button
          type="button"
          className={`btn small${monitored ? " primary" : ""}`}
          aria-pressed={monitored}
          onClick={() => toggleMonitored(channelId)}
          title="Keep listening to this channel while you use others"
        >
          <HeadphonesIcon /> {monitored ? "Monitoring" : "Monitor"}
        </button>
      </div>
      {c.eventId && <SosButton eventId={c.eventId} channelId={channelId} />}
      <div className="channel-layout">
        <div>
          <TalkPanel channelId={channelId} abilities={c.abilities} />
          <OnlineList channelId={channelId} />
          <ChannelTools channel={c} />
          <LeaveChannel channel={c} />
        </div>
        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Messages</h2>
          {c.description && <p className="muted small">{c.description}</p>}
          <Timeline channelId={channelId} onRetry={retry} />
          <Composer channelId={channelId} />
        </section>
      </div>
    </main>
  );
}

function EventCrumb({ eventId }: { eventId: string }) {
  const ev = useEvent(eventId);
  return <Link to={`/events/${eventId}`}>{ev.data?.name ?? "Event"}</Link>;
}
