/**
 * A channel: talk, who is online, the timeline and text input. Monitor toggle to keep listening
 * elsewhere. A direct channel is the same screen, titled after the other person; its abilities
 * leave out the invite, member and leave tools. An event channel shows what it is patched with,
 * and organisers get the all-call.
 */
import type { Channel } from "@won/protocol";
import { useEffect } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { describeError } from "../api/problem";
import { callActions } from "../calls/direct-calls";
import { AllCall } from "../components/AllCall";
import { ChannelTools } from "../components/ChannelTools";
import { Composer } from "../components/Composer";
import type { GoneState } from "../components/home/gone-notice";
import { HeadphonesIcon } from "../components/Icons";
import { LeaveChannel } from "../components/LeaveChannel";
import { MonitorBar } from "../components/MonitorBar";
import { OnlineList } from "../components/OnlineList";
import { PatchNote } from "../components/PatchNote";
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
import { useCallUser } from "../state/queries/direct";
import { useEvent } from "../state/queries/events";
import { useSendMessage } from "../state/queries/messages";
import { usePatches } from "../state/queries/patches";

export function ChannelScreen() {
  const { channelId = "" } = useParams();
  const channel = useChannel(channelId);
  const navigate = useNavigate();
  const caller = useCallUser();
  useChannelFeed(channelId);
  useWakeLock(true);
  // On screen, a direct channel's messages are read and its call answered.
  useEffect(() => {
    callActions.viewing(channelId);
    return () => callActions.viewing(null);
  }, [channelId]);

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
      <ChannelHead channel={c} />
      {c.eventId && <SosButton eventId={c.eventId} channelId={channelId} />}
      <div className="channel-layout">
        <div>
          <TalkPanel
            channelId={channelId}
            abilities={c.abilities}
            onCallSpeaker={c.kind === "group" ? caller.call : undefined}
          />
          {c.eventId && <EventChannelExtras channelId={channelId} eventId={c.eventId} />}
          <OnlineList channelId={channelId} />
          <ChannelTools channel={c} />
          <LeaveChannel channel={c} />
        </div>
        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Messages</h2>
          {c.description && <p className="muted small">{c.description}</p>}
          <Timeline channelId={channelId} onRetry={retry} staff={c.abilities.moderate} />
          <Composer channelId={channelId} canRequireAck={c.abilities.requireAck} />
        </section>
      </div>
    </main>
  );
}

/** Breadcrumb, title ("# Gate", or "Call with Olga" for a direct call), pocket and monitor toggles. */
function ChannelHead({ channel: c }: { channel: Channel }) {
  const monitored = useSettings((s) => s.monitored.includes(c.id));
  const toggleMonitored = useSettings((s) => s.toggleMonitored);
  return (
    <div className="row screen-head">
      <nav className="small" aria-label="Breadcrumb">
        {c.eventId ? <EventCrumb eventId={c.eventId} /> : <Link to="/">Home</Link>}
      </nav>
      <h1 className="screen-title">{c.kind === "direct" ? `Call with ${c.name}` : `# ${c.name}`}</h1>
      <span className="spacer" />
      <ChannelPocketBar channel={c} />
      <button
        type="button"
        className={`btn small${monitored ? " primary" : ""}`}
        aria-pressed={monitored}
        onClick={() => toggleMonitored(c.id)}
        title="Keep listening to this channel while you use others"
      >
        <HeadphonesIcon /> {monitored ? "Monitoring" : "Monitor"}
      </button>
    </div>
  );
}

/** An event channel's patch link and, for organisers, the all-call. */
function EventChannelExtras({ channelId, eventId }: { channelId: string; eventId: string }) {
  const ev = useEvent(eventId);
  const patches = usePatches(eventId).data ?? [];
  if (!ev.data) return null;
  return (
    <>
      <PatchNote channelId={channelId} patches={patches} channels={ev.data.channels} />
      <AllCall channelId={channelId} event={ev.data} />
    </>
  );
}

function EventCrumb({ eventId }: { eventId: string }) {
  const ev = useEvent(eventId);
  return <Link to={`/events/${eventId}`}>{ev.data?.name ?? "Event"}</Link>;
}
