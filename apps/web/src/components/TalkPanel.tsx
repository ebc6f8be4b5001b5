/** The talk side of a channel: who is talking, the big button, the input meter and feedback. */
import { type ReactNode, useEffect, useState } from "react";
import { useTalkButton } from "../hooks/useTalkButton";
import { keyLabel, useSettings } from "../settings/settings-store";
import { useLevel } from "../state/level-store";
import { selectChannel, useLive } from "../state/live-store";
import { MicIcon } from "./Icons";
import { Avatar, formatDuration } from "./ui";

const DENIAL_SHOW_MS = 2_500;

function useNow(active: boolean, everyMs = 250) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs]);
  return now;
}

function denialText(reason: string, name?: string) {
  if (reason === "busy") return name ? `${name} is talking` : "Someone else is talking";
  if (reason === "forbidden") return "You may not talk on this channel";
  if (reason === "no_microphone") return "Microphone blocked or missing — allow it in the browser";
  if (reason === "no_encoder") return "This browser can't send voice (no Opus encoder); you can still listen";
  return "Not connected to the channel yet";
}

function cutText(reason: string) {
  switch (reason) {
    case "preempted":
      return "A moderator took over the channel";
    case "timeout":
      return "Maximum talk time reached";
    case "revoked":
      return "Your talk permission was removed";
    default:
      return "Transmission cut: connection lost";
  }
}

export function TalkPanel({
  channelId,
  canSpeak,
  canInterrupt = false,
}: {
  channelId: string;
  canSpeak: boolean;
  /** Moderators and admins may take over a member's transmission (ptt.start priority). */
  canInterrupt?: boolean;
}) {
  const [priority, setPriority] = useState(false);
  const ch = useLive(selectChannel(channelId));
  const talk = useLive((s) => (s.talk?.channelId === channelId ? s.talk : null));
  const otherTalk = useLive((s) => (s.talk && s.talk.channelId !== channelId ? s.talk : null));
  const denial = useLive((s) => (s.denial?.channelId === channelId ? s.denial : null));
  const lastStop = useLive((s) => (s.lastStop?.channelId === channelId ? s.lastStop : null));
  const connected = useLive((s) => s.status === "open");
  const level = useLevel((s) => s.level);
  const { pttMode, pttKey } = useSettings();
  const now = useNow(true);
  const enabled = canSpeak && connected && ch.subscribed && !otherTalk;
  const button = useTalkButton(channelId, enabled, canInterrupt && priority);

  const recentDenial = denial && now - denial.at < DENIAL_SHOW_MS ? denial : null;
  const recentCut =
    lastStop && lastStop.reason !== "released" && now - lastStop.at < DENIAL_SHOW_MS ? lastStop : null;
  const talking = talk?.phase === "talking";
  const speaker = ch.speaker;
  const state = talking
    ? "talking"
    : talk
      ? "requesting"
      : recentDenial
        ? "denied"
        : speaker
          ? "busy"
          : "idle";

  let status: ReactNode;
  let statusClass = "now-talking";
  if (talking) {
    statusClass += " me";
    status = (
      <>
        <MicIcon /> You're on air <span className="timer">{formatDuration(now - (talk.since ?? now))}</span>
      </>
    );
  } else if (recentCut) {
    statusClass += " denied";
    status = <span data-testid="cut">{cutText(recentCut.reason)}</span>;
  } else if (recentDenial) {
    statusClass += " denied";
    status = <span data-testid="denied">{denialText(recentDenial.reason, recentDenial.speakerName)}</span>;
  } else if (speaker) {
    statusClass += " live";
    status = (
      <>
        <Avatar user={speaker.user} talking />
        <span data-testid="speaker">{speaker.user.displayName}</span> is talking
      </>
    );
  } else {
    status = <span className="muted">Channel is clear</span>;
  }

  const label = talking
    ? pttMode === "toggle"
      ? "Tap to stop"
      : "Release to stop"
    : talk
      ? "Connecting…"
      : pttMode === "toggle"
        ? "Tap to talk"
        : "Hold to talk";

  return (
    <section className="card talk-panel" aria-label="Talk">
      <div className={statusClass} role="status" aria-live="assertive" data-testid="talk-status">
        {status}
      </div>
      <button
        type="button"
        className="talk-button"
        data-state={state}
        data-testid="talk-button"
        aria-pressed={talking}
        aria-label={`${label}${canSpeak ? "" : " (not allowed on this channel)"}`}
        disabled={!canSpeak}
        {...button}
      >
        <span>
          {talking ? "On air" : state === "busy" ? "Busy" : "Talk"}
          <span className="sub">{canSpeak ? label : "Listen only"}</span>
        </span>
      </button>
      <div className="meter" aria-hidden="true" hidden={!talking}>
        <div style={{ width: `${Math.round(level * 100)}%` }} />
      </div>
      {canInterrupt && canSpeak && (
        <label className="row small" style={{ gap: ".4rem", cursor: "pointer" }}>
          <input
            type="checkbox"
            checked={priority}
            onChange={(e) => setPriority(e.target.checked)}
            style={{ width: 18, minHeight: 0, height: 18 }}
          />
          Priority: interrupt whoever is talking
        </label>
      )}
      <p className="talk-hint">
        {!connected ? (
          "Waiting for connection…"
        ) : otherTalk ? (
          "You're talking on another channel"
        ) : (
          <>
            Or press <span className="kbd">{keyLabel(pttKey)}</span>
            {pttMode === "hold" ? " and hold" : ""}
          </>
        )}
      </p>
    </section>
  );
}
