/**
 * An organiser's all-call from an event channel (the event's `allCall` ability): a button, then a
 * confirmation naming how many people will hear it, then a talk button of its own that sends
 * `ptt.start` with `scope: "event"` — heard on every channel of the event, pre-empting ordinary
 * transmissions. It takes no page-wide PTT key: that one stays the channel's.
 */
import type { EventWithChannels } from "@won/protocol";
import { useState } from "react";
import { useTalkButton } from "../hooks/useTalkButton";
import { allCallQuestion } from "../patches/patch-view";
import { useLive } from "../state/live-store";

export function AllCall({ channelId, event }: { channelId: string; event: EventWithChannels }) {
  const [step, setStep] = useState<"closed" | "confirm" | "armed">("closed");
  if (!event.abilities.allCall) return null;
  return (
    <section className="card all-call" aria-label="All-call" data-testid="all-call">
      {step === "closed" && (
        <button type="button" className="btn danger" onClick={() => setStep("confirm")}>
          📢 All-call
        </button>
      )}
      {step === "confirm" && (
        <div role="alertdialog" aria-label="Start an all-call" data-testid="all-call-confirm">
          <p>{allCallQuestion(event.name, event.memberCount)}</p>
          <div className="row">
            <button type="button" className="btn danger" onClick={() => setStep("armed")}>
              Start all-call
            </button>
            <button type="button" className="btn" onClick={() => setStep("closed")}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {step === "armed" && <AllCallButton channelId={channelId} onDone={() => setStep("closed")} />}
    </section>
  );
}

function AllCallButton({ channelId, onDone }: { channelId: string; onDone: () => void }) {
  const connected = useLive((s) => s.status === "open" && (s.channels[channelId]?.subscribed ?? false));
  const talking = useLive((s) => s.talk?.channelId === channelId && s.talk.phase === "talking");
  const button = useTalkButton(channelId, connected, false, { scope: "event", pageKey: false });
  return (
    <>
      <button
        type="button"
        className="talk-button all-call-button"
        data-state={talking ? "talking" : "idle"}
        data-testid="all-call-button"
        aria-pressed={talking}
        disabled={!connected}
        {...button}
      >
        <span>
          {talking ? "ALL-CALL" : "All-call"}
          <span className="sub">{talking ? "Everyone hears you" : "Hold to talk to everyone"}</span>
        </span>
      </button>
      <button type="button" className="btn small" onClick={onDone}>
        Done
      </button>
    </>
  );
}
