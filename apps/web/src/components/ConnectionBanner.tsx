/**
 * A clear, announced banner whenever the realtime link is not up: offline, reconnecting, or
 * refused because the account has too many sessions open (4409), which waits for the user.
 */
import { useEffect, useState } from "react";
import { connection } from "../realtime/realtime";
import { useLive } from "../state/live-store";

export const TOO_MANY_SESSIONS_TEXT =
  "Too many open sessions for your account — close another tab or device, then Retry";

export function ConnectionBanner() {
  const status = useLive((s) => s.status);
  const retryAt = useLive((s) => s.retryAt);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!retryAt) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [retryAt]);

  if (status === "open" || status === "idle" || status === "closed") {
    return <div role="status" aria-live="polite" className="visually-hidden" data-connection={status} />;
  }
  if (status === "too-many-sessions") {
    return (
      <div className="banner danger" role="alert" data-connection={status}>
        <span>{TOO_MANY_SESSIONS_TEXT}</span>
        <button type="button" className="btn small" onClick={() => connection.retry()}>
          Retry
        </button>
      </div>
    );
  }
  const offline = status === "offline";
  const secs = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;
  const text = offline
    ? "You're offline. Live audio resumes when the network is back."
    : status === "connecting"
      ? "Connecting…"
      : secs > 0
        ? `Connection lost. Reconnecting in ${secs}s…`
        : "Reconnecting…";
  return (
    <div
      className={`banner ${offline ? "danger" : "warn"}`}
      role="status"
      aria-live="polite"
      data-connection={status}
    >
      <span>{text}</span>
      {!offline && secs > 1 && (
        <button type="button" className="btn small" onClick={() => connection.nudge()}>
          Retry now
        </button>
      )}
    </div>
  );
}
