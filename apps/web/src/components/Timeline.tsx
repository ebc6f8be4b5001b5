/** A channel's timeline: text and audio messages in seq order, optimistic sends, older pages on demand. */
import type { Message } from "@won/protocol";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { recordingPlayer, useRecordingPlayer } from "../audio/recording-player";
import { useSessionStore } from "../auth/session";
import { selectTimeline, useLive } from "../state/live-store";
import { loadOlder } from "../state/queries/messages";
import type { PendingMessage } from "../timeline/timeline";
import { userLabel } from "../users/user-name";
import { PauseIcon, PlayIcon } from "./Icons";
import { ackView, MessageAck } from "./MessageAck";
import { UserName } from "./UserName";
import { UserVolume } from "./UserVolume";
import { Avatar, Fill, formatDuration, formatTime } from "./ui";

function AudioMessage({ m }: { m: Message }) {
  const current = useRecordingPlayer((s) => s.current === m.id);
  const playing = useRecordingPlayer((s) => s.current === m.id && s.playing);
  const loading = useRecordingPlayer((s) => s.current === m.id && s.loading);
  const position = useRecordingPlayer((s) => (s.current === m.id ? s.position : 0));
  const error = useRecordingPlayer((s) => (s.current === m.id ? s.error : null));
  const dur = m.recording?.durationMs ?? 0;
  const pct = dur > 0 && current ? Math.min(100, ((position * 1000) / dur) * 100) : 0;
  return (
    <div className="audio-msg" data-testid="audio-message">
      <button
        type="button"
        className="play-btn"
        onClick={() => recordingPlayer.toggle(m)}
        aria-label={`${playing ? "Pause" : "Play"} transmission from ${userLabel(m.sender)}, ${formatDuration(dur)}`}
        data-testid="play-recording"
      >
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <div className="progress" aria-hidden="true">
        <Fill fraction={pct / 100} />
      </div>
      <span className="small muted timer">
        {loading ? "…" : formatDuration(current && position > 0 ? position * 1000 : dur)}
      </span>
      {error && <span className="small text-danger">{error}</span>}
    </div>
  );
}

function MessageRow({ m, me, staff }: { m: Message; me: string | undefined; staff: boolean }) {
  const mine = m.sender.id === me;
  const ack = ackView(m, me, staff);
  if (m.kind === "system") {
    return (
      <li className="msg system">
        {m.body} · {formatTime(m.createdAt)}
      </li>
    );
  }
  return (
    <li
      className={`msg${mine ? " mine" : ""}${ack ? " asks-ack" : ""}${ack?.ask ? " ack-needed" : ""}`}
      data-seq={m.seq}
      data-kind={m.kind}
    >
      <Avatar user={m.sender} />
      <div className="bubble">
        <div className="meta">
          <strong>
            {mine ? (
              "You"
            ) : m.kind === "audio" ? (
              <UserVolume user={m.sender} />
            ) : (
              <UserName user={m.sender} />
            )}
          </strong>
          <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
        </div>
        {m.kind === "audio" ? <AudioMessage m={m} /> : <div className="body">{m.body}</div>}
        {ack && <MessageAck m={m} view={ack} />}
      </div>
    </li>
  );
}

const PENDING_LABEL: Record<PendingMessage["status"], string> = {
  sending: "Sending…",
  queued: "Queued · sends when you are back online",
  failed: "Not sent",
};

function PendingRow({ p, onRetry }: { p: PendingMessage; onRetry: (p: PendingMessage) => void }) {
  return (
    <li className={`msg mine ${p.status === "failed" ? "failed" : "pending"}`} data-testid="pending-message">
      <div className="bubble">
        <div className="meta">
          <strong>You</strong>
          <span>{PENDING_LABEL[p.status]}</span>
        </div>
        <div className="body">{p.body}</div>
        {p.status === "failed" && (
          <div className="pending-failure">
            {p.error && <span className="small">{p.error}</span>}
            <button type="button" className="btn small" onClick={() => onRetry(p)}>
              Retry
            </button>
          </div>
        )}
      </div>
    </li>
  );
}

/** What scrolls the list: the list itself (a desktop column), or else the page (a phone). */
function scroller(list: HTMLElement): HTMLElement {
  if (getComputedStyle(list).overflowY !== "visible") return list;
  return (document.scrollingElement as HTMLElement | null) ?? document.documentElement;
}

/**
 * Follows new messages while the reader is at the bottom and leaves them be when scrolled up. The
 * list scrolls itself on a desktop; on a phone the page is the one scrolling timeline.
 */
function useFollowNewest(count: number) {
  const box = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !stick.current || count < 0) return;
    const page = scroller(el);
    page.scrollTop = page.scrollHeight;
  }, [count]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => {
      const page = scroller(el);
      stick.current = page.scrollHeight - page.scrollTop - page.clientHeight < 60;
    };
    el.addEventListener("scroll", onScroll);
    window.addEventListener("scroll", onScroll);
    // A layout change (a phone turned, a window widened) keeps a reader at the bottom there.
    const resized = new ResizeObserver(() => {
      if (!stick.current) return;
      const page = scroller(el);
      page.scrollTop = page.scrollHeight;
    });
    resized.observe(el);
    return () => {
      el.removeEventListener("scroll", onScroll);
      window.removeEventListener("scroll", onScroll);
      resized.disconnect();
    };
  }, []);
  return { box, stick };
}

export function Timeline({
  channelId,
  onRetry,
  staff = false,
}: {
  channelId: string;
  onRetry: (p: PendingMessage) => void;
  /** The reader moderates the channel: they follow every acknowledgement, not only their own. */
  staff?: boolean;
}) {
  const t = useLive(selectTimeline(channelId));
  const me = useSessionStore((s) => s.session?.user.id);
  const count = t.messages.length + t.pending.length;
  const { box, stick } = useFollowNewest(count);
  const [loadingOlder, setLoadingOlder] = useState(false);

  return (
    <ol
      className="timeline list"
      ref={box}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box must be reachable by keyboard to be scrolled without a mouse (WCAG 2.1.1)
      tabIndex={0}
      aria-label="Messages"
      aria-live="polite"
      data-testid="timeline"
    >
      {t.hasMoreBefore && (
        <li className="load-earlier">
          <button
            type="button"
            className="btn small"
            disabled={loadingOlder}
            onClick={() => {
              stick.current = false;
              setLoadingOlder(true);
              void loadOlder(channelId).finally(() => setLoadingOlder(false));
            }}
          >
            {loadingOlder ? "Loading…" : "Load earlier messages"}
          </button>
        </li>
      )}
      {!t.loaded && count === 0 && <li className="empty">Loading messages…</li>}
      {t.loaded && count === 0 && (
        <li className="empty">No messages yet. Say hello or hold the button to talk.</li>
      )}
      {t.messages.map((m) => (
        <MessageRow key={m.seq} m={m} me={me} staff={staff} />
      ))}
      {t.pending.map((p) => (
        <PendingRow key={p.clientId} p={p} onRetry={onRetry} />
      ))}
    </ol>
  );
}
