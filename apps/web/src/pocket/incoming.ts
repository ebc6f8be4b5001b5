/**
 * What a steward is told when someone starts talking: a cue (chirp, or the direct-call ring) and,
 * while the app is hidden, a notification naming the speaker and the channel. The decision is a
 * pure function of the message and the settings; `createIncomingWatcher` applies it through
 * injected effects so both are tested without a browser.
 */
import type { ServerMessage, ServerMessageOf } from "@won/protocol";
import type { CueName } from "../audio/cues";

export interface IncomingContext {
  selfId: string | undefined;
  /** The incoming chirp is on. */
  incomingCue: boolean;
  /** Channels whose chirp is muted. */
  cueMuted: readonly string[];
  /** The channel is a one-to-one call. */
  direct: boolean;
  /** The page is hidden (another app, the screen off). */
  hidden: boolean;
  /** The steward wants notifications while hidden, and the browser allows them. */
  notify: boolean;
}

export interface IncomingAlert {
  cue: CueName | null;
  notify: boolean;
}

/** Cue and notification for a `speaker.started`. My own transmission gets neither. */
export function incomingAlert(
  m: Pick<ServerMessageOf<"speaker.started">, "channelId" | "user">,
  c: IncomingContext,
): IncomingAlert {
  if (m.user.id === c.selfId) return { cue: null, notify: false };
  // A direct call always rings: it is meant for me alone, so neither switch silences it.
  const cue: CueName | null = c.direct
    ? "directCall"
    : c.incomingCue && !c.cueMuted.includes(m.channelId)
      ? "incoming"
      : null;
  return { cue, notify: c.hidden && c.notify };
}

export interface TransmissionNotice {
  title: string;
  body: string;
  /** One per channel: a new transmission replaces the channel's last notice instead of piling up. */
  tag: string;
  /** Opened when the notice is tapped. */
  url: string;
}

export function transmissionNotice(
  speakerName: string,
  channel: { id: string; name: string | null },
  direct: boolean,
): TransmissionNotice {
  const where = channel.name ? `# ${channel.name}` : "a channel";
  return {
    title: direct ? `${speakerName} is calling you` : `${speakerName} on ${where}`,
    body: direct ? "Direct call · tap to open" : `Talking now on ${where} · tap to open`,
    tag: `tx-${channel.id}`,
    url: `/channels/${channel.id}`,
  };
}

export interface IncomingDeps {
  context: (channelId: string) => IncomingContext;
  channelName: (channelId: string) => string | null;
  speakerName: (user: ServerMessageOf<"speaker.started">["user"]) => string;
  cue: (name: CueName) => void;
  notify: (notice: TransmissionNotice) => void;
}

/** A server-message listener that cues and notifies on every incoming transmission. */
export function createIncomingWatcher(d: IncomingDeps): (m: ServerMessage) => void {
  return (m) => {
    if (m.type !== "speaker.started") return;
    const ctx = d.context(m.channelId);
    const alert = incomingAlert(m, ctx);
    if (alert.cue) d.cue(alert.cue);
    if (alert.notify)
      d.notify(
        transmissionNotice(
          d.speakerName(m.user),
          { id: m.channelId, name: d.channelName(m.channelId) },
          ctx.direct,
        ),
      );
  };
}
