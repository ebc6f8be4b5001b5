/**
 * The talk side of a channel: who is talking, the big button, the input meter and feedback.
 * What it shows comes from `talkPanelView` (ptt/talk-panel-view.ts); this component only gathers
 * the live state, ticks the clock while something time-bound is shown, and renders.
 */
import type { ChannelAbilities, User } from "@won/protocol";
import { useEffect, useRef, useState } from "react";
import { unlockAudio } from "../audio/audio-context";
import { useMissedQueue } from "../audio/missed-queue";
import { useSoundOff, useTouchOnly } from "../hooks/useDevice";
import { useTalkButton } from "../hooks/useTalkButton";
import { useTalkDock } from "../hooks/useTalkDock";
import { insecureContextText, isInsecureContext } from "../ptt/secure-context";
import { type TalkHint, type TalkPanelState, type TalkStatus, talkPanelView } from "../ptt/talk-panel-view";
import { keyLabel, useSettings } from "../settings/settings-store";
import { useLevel } from "../state/level-store";
import { selectChannel, useLive } from "../state/live-store";
import { CallButton } from "./CallButton";
import { MicIcon } from "./Icons";
import { UserVolume } from "./UserVolume";
import { Avatar, Fill, formatDuration } from "./ui";

const TICK_MS = 250;

function useNow(everyMs: number) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** The live inputs of `talkPanelView` for one channel. */
function useTalkPanelState(
  channelId: string,
  abilities: Pick<ChannelAbilities, "talk" | "interrupt">,
): TalkPanelState {
  const ch = useLive(selectChannel(channelId));
  const talk = useLive((s) => (s.talk?.channelId === channelId ? s.talk : null));
  const talkingElsewhere = useLive((s) => s.talk !== null && s.talk.channelId !== channelId);
  const denial = useLive((s) => (s.denial?.channelId === channelId ? s.denial : null));
  const lastStop = useLive((s) => (s.lastStop?.channelId === channelId ? s.lastStop : null));
  const connected = useLive((s) => s.status === "open");
  const pttMode = useSettings((s) => s.pttMode);
  const pttKey = useSettings((s) => s.pttKey);
  const replay = useMissedQueue((s) => (s.playing?.channelId === channelId ? s.playing : null));
  const touch = useTouchOnly();
  const soundOff = useSoundOff();
  return {
    abilities,
    connected,
    subscribed: ch.subscribed,
    talk,
    talkingElsewhere,
    speaker: ch.speaker,
    denial,
    lastStop,
    pttMode,
    pttKey,
    replay,
    touch,
    soundOff,
  };
}

function Status({ status, onCall }: { status: TalkStatus; onCall?: (user: User) => void }) {
  switch (status.kind) {
    case "on-air":
      return (
        <>
          <MicIcon /> {status.latched ? "LIVE — tap to stop" : "You're on air"}{" "}
          <span className="timer">{formatDuration(status.elapsedMs)}</span>
          {status.countdownS !== null && (
            <span className="countdown" data-testid="talk-countdown">
              {status.countdownS} s left
            </span>
          )}
        </>
      );
    case "cut":
      return <span data-testid="cut">{status.text}</span>;
    case "denied":
      return <span data-testid="denied">{status.text}</span>;
    case "speaker":
      return (
        <>
          <Avatar user={status.user} talking />
          {status.allCall && (
            <span className="badge danger all-call-tag" data-testid="all-call-tag">
              ALL-CALL ·
            </span>
          )}{" "}
          <UserVolume user={status.user} testId="speaker" /> is talking
          {onCall && <CallButton user={status.user} onCall={() => onCall(status.user)} />}
        </>
      );
    case "replay":
      return <span data-testid="replay">{status.text}</span>;
    case "clear":
      return <span className="muted">Channel is clear</span>;
  }
}

/** The line under the button: the key to press, or why a press waits; nothing on a touch screen. */
function Hint({ hint }: { hint: TalkHint }) {
  if (hint.kind === "none") return null;
  return (
    <p className="talk-hint">
      {hint.kind === "offline" ? (
        "Waiting for connection…"
      ) : hint.kind === "elsewhere" ? (
        "You're talking on another channel"
      ) : (
        <>
          Or press <span className="kbd">{keyLabel(hint.key)}</span>
          {hint.hold ? " and hold" : ""}
        </>
      )}
    </p>
  );
}

export function TalkPanel({
  channelId,
  abilities,
  onCallSpeaker,
}: {
  channelId: string;
  /** Offers "Call" on the current speaker's name (group channels): a direct call with them. */
  onCallSpeaker?: (user: User) => void;
  /** The channel's abilities: `talk` enables the button, `interrupt` offers priority (ptt.start
   *  priority, taking over a member's transmission). */
  abilities: Pick<ChannelAbilities, "talk" | "interrupt">;
}) {
  const [priority, setPriority] = useState(false);
  const level = useLevel((s) => s.level);
  const view = talkPanelView(useTalkPanelState(channelId, abilities), useNow(TICK_MS));
  // While sound is off the first tap only turns it on, so it never opens the microphone by accident.
  const button = useTalkButton(channelId, view.enabled && !view.unlockFirst, view.offerPriority && priority);
  const insecure = isInsecureContext();
  const panel = useRef<HTMLElement>(null);
  useTalkDock(panel);

  return (
    // A tap anywhere on the panel turns sound on (again, after a phone call suspended it).
    <section
      ref={panel}
      className="card talk-panel"
      aria-label="Talk"
      data-testid="talk-panel"
      onPointerDown={unlockAudio}
    >
      {insecure && (
        <p className="banner warn" role="alert" data-testid="insecure-context">
          {insecureContextText()}
        </p>
      )}
      <div
        className={`now-talking${view.tone === "clear" ? "" : ` ${view.tone}`}`}
        role="status"
        aria-live="assertive"
        data-testid="talk-status"
      >
        <Status status={view.status} onCall={onCallSpeaker} />
      </div>
      <button
        type="button"
        className="talk-button"
        data-state={view.state}
        data-latched={view.latched || undefined}
        data-testid="talk-button"
        aria-pressed={view.state === "talking"}
        aria-label={view.disabledReason ? `${view.action} (${view.disabledReason})` : view.action}
        disabled={view.disabledReason !== null}
        {...button}
      >
        <span>
          {view.title}
          <span className="sub">{view.sub}</span>
        </span>
      </button>
      <div className="meter" aria-hidden="true" hidden={!view.meter}>
        <Fill fraction={level} />
      </div>
      {view.offerPriority && (
        <label className="row small priority-toggle">
          <input
            type="checkbox"
            className="check"
            checked={priority}
            onChange={(e) => setPriority(e.target.checked)}
          />
          Priority: interrupt whoever is talking
        </label>
      )}
      <Hint hint={view.hint} />
    </section>
  );
}
