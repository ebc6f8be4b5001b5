/**
 * The SOS control: a large red button held for 2 s — a ring fills and the seconds count down,
 * letting go cancels — so a pocket or a stray tap cannot raise an alert. Space or Enter held on
 * it works the same. Firing raises the alert (see `useRaiseSos`); the raiser's banner takes over
 * from there, and this control hides while I have an alert open in the event.
 */

import { mineOf } from "../../alerts/alert-book";
import { useAlerts } from "../../alerts/alerts-store";
import { SOS_HOLD_MS } from "../../alerts/sos-hold";
import { describeError } from "../../api/problem";
import { useSessionStore } from "../../auth/session";
import { useSosHold } from "../../hooks/useSosHold";
import { useRaiseSos } from "../../state/queries/alerts";

const RING_R = 26;
const RING_C = 2 * Math.PI * RING_R;

export function SosButton({ eventId, channelId }: { eventId: string; channelId: string | null }) {
  const me = useSessionStore((s) => s.session?.user.id);
  const mineOpen = useAlerts((s) =>
    mineOf(s.book, me, new Set()).some((a) => a.eventId === eventId && a.state !== "closed"),
  );
  const raise = useRaiseSos();
  const { state, view, props } = useSosHold(() => raise.mutate({ eventId, channelId }), !raise.isPending);
  if (mineOpen) return null;

  const holding = state.phase === "holding";
  const label = raise.isPending ? "Sending SOS…" : holding ? `Keep holding… ${view.secondsLeft}` : "SOS";
  return (
    <div className="sos">
      <button
        type="button"
        className={`sos-btn${holding ? " holding" : ""}`}
        data-testid="sos-button"
        data-state={raise.isPending ? "sending" : state.phase}
        aria-label={`SOS emergency alert: press and hold for ${SOS_HOLD_MS / 1000} seconds`}
        aria-describedby="sos-hint"
        {...props}
      >
        <svg className="sos-ring" viewBox="0 0 60 60" aria-hidden="true">
          <circle cx="30" cy="30" r={RING_R} className="sos-ring-track" />
          <circle
            cx="30"
            cy="30"
            r={RING_R}
            className="sos-ring-fill"
            strokeDasharray={RING_C}
            strokeDashoffset={RING_C * (1 - view.progress)}
          />
        </svg>
        <span className="sos-label">{label}</span>
      </button>
      <span id="sos-hint" className="sos-hint small" aria-live="polite">
        {raise.isError
          ? `SOS not sent: ${describeError(raise.error)}. Hold again.`
          : holding
            ? "Let go to cancel"
            : `Hold ${SOS_HOLD_MS / 1000} s for help`}
      </span>
    </div>
  );
}
