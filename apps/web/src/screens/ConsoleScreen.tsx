/**
 * The control-room console of an event: a tile per channel (and per direct call of mine), one
 * talk button for the selected channel, the mix controls, and the activity log. Every channel
 * shown is subscribed while the console is open. Keys 1–9 select a tile.
 */
import type { Channel } from "@won/protocol";
import { useEffect, useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { describeError } from "../api/problem";
import { useSessionStore } from "../auth/session";
import { ActivityLog } from "../components/console/ActivityLog";
import { ChannelTile } from "../components/console/ChannelTile";
import { ConsoleTalk } from "../components/console/ConsoleTalk";
import { Spinner } from "../components/ui";
import { consoleSettings, MAX_DUCK_DB, useConsoleSettings } from "../console/console-settings";
import { channelForKey } from "../console/mix-math";
import { useConsoleMix } from "../hooks/useConsoleMix";
import { useLive } from "../state/live-store";
import { useChannels } from "../state/queries/channels";
import { useEvent } from "../state/queries/events";

const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

/** Keys 1–9 select a tile (not while typing, and not while on air). */
function useTileKeys(order: readonly string[], select: (id: string) => void) {
  useEffect(() => {
    const kd = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.repeat || useLive.getState().talk) return;
      const id = channelForKey(e.code, order);
      if (id) select(id);
    };
    window.addEventListener("keydown", kd);
    return () => window.removeEventListener("keydown", kd);
  }, [order, select]);
}

export function ConsoleScreen() {
  const { eventId = "" } = useParams();
  const event = useEvent(eventId);
  const mine = useChannels();
  const selfId = useSessionStore((s) => s.session?.user.id);
  const channels = useMemo<Channel[]>(() => {
    const direct = (mine.data ?? []).filter((c) => c.kind === "direct");
    return [...(event.data?.channels ?? []), ...direct];
  }, [event.data, mine.data]);
  const order = useMemo(() => channels.map((c) => c.id), [channels]);
  const [selected, setSelected] = useState("");
  const talking = useLive((s) => !!s.talk);
  const select = useMemo(() => (id: string) => !useLive.getState().talk && setSelected(id), []);
  useTileKeys(order, select);
  useConsoleMix(order);
  const duckDb = useConsoleSettings((s) => s.duckDb);

  if (event.isPending)
    return (
      <main id="main" className="main">
        <Spinner label="Loading console" />
      </main>
    );
  if (event.isError)
    return (
      <main id="main" className="main">
        <p className="form-error">{describeError(event.error)}</p>
        <Link to="/">Back home</Link>
      </main>
    );
  const ev = event.data;
  const current = channels.find((c) => c.id === selected);
  return (
    <main id="main" className="main console" data-testid="console">
      <div className="row event-head">
        <nav className="small" aria-label="Breadcrumb">
          <Link to="/">Home</Link> / <Link to={`/events/${ev.id}`}>{ev.name}</Link> / Console
        </nav>
        <span className="spacer" />
        <label className="small row console-duck">
          Duck others by
          <input
            type="number"
            min={0}
            max={MAX_DUCK_DB}
            value={duckDb}
            data-testid="duck-db"
            onChange={(e) => consoleSettings.setDuckDb(Number(e.target.value))}
          />
          dB
        </label>
      </div>
      <ConsoleTalk channel={current} event={ev} />
      <div className="console-body">
        <div className="console-grid" aria-busy={talking}>
          {channels.map((c, i) => (
            <ChannelTile
              key={c.id}
              channel={c}
              index={i}
              selected={c.id === selected}
              selfId={selfId}
              onSelect={select}
            />
          ))}
        </div>
        <ActivityLog channels={channels} />
      </div>
    </main>
  );
}
