/** The talk side of a channel: who is talking, the big button, the input meter and feedback. */
import type { ChannelAbilities } from "@won/protocol";
import { type ReactNode, useEffect, useState } from "react";
import { useTalkButton } from "../hooks/useTalkButton";
import { talkAvailability } from "../ptt/talk-availability";
import { keyLabel, useSettings } from "../settings/settings-store";
import { useLevel } from "../state/level-store";
import { selectChannel, useLive } from "../state/live-store";
import { MicIcon } from "./Icons";
import { UserName } from "./UserName";
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
  if (reason === "quota_exceeded") return "Recording storage is full — ask an organiser to free some";
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
  abilities,
}: {
  channelId: string;
  /** The channel's abilities: `talk` enables the button, `interrupt` offers priority (ptt.start
   *  priority, taking over a member's transmission). */
  abilities: Pick<ChannelAbilities, "talk" | "interrupt">;
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
  const { mayTalk, enabled, offerPriority } = talkAvailability(abilities, {
    connected,
    subscribed: ch.subscribed,
    talkingElsewhere: otherTalk !== null,
  });
  const button = useTalkButton(channelId, enabled, offerPriority && priority);

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
        <UserName user={speaker.user} testId="speaker" /> is talking
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
        aria-label={`${label}${mayTalk ? "" : " (not allowed on this channel)"}`}
        disabled={!mayTalk}
        {...button}
      >
        <span>
          {talking ? "On air" : state === "busy" ? "Busy" : "Talk"}
          <span className="sub">{mayTalk ? label : "Listen only"}</span>
        </span>
      </button>
      <div className="meter" aria-hidden="true" hidden={!talking}>
        <div style={{ width: `${Math.round(level * 100)}%` }} />
      </div>
      {offerPriority && (
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
