/**
 * The console's one talk button: it talks on the selected channel only, with the user's talk
 * key anywhere on the page. Several channels at once only through the all-call (or a patch the
 * server applies), never by holding two things.
 */
import type { Channel, EventWithChannels } from "@won/protocol";
import { useTalkButton } from "../../hooks/useTalkButton";
import { keyLabel, useSettings } from "../../settings/settings-store";
import { useLive } from "../../state/live-store";
import { AllCall } from "../AllCall";

export function ConsoleTalk({ channel, event }: { channel: Channel | undefined; event: EventWithChannels }) {
  const id = channel?.id ?? "";
  const connected = useLive((s) => s.status === "open");
  const subscribed = useLive((s) => !!s.channels[id]?.subscribed);
  const talk = useLive((s) => s.talk);
  const pttKey = useSettings((s) => s.pttKey);
  const enabled = !!channel && channel.abilities.talk && connected && subscribed;
  const props = useTalkButton(id, enabled, channel?.abilities.interrupt ?? false);
  const state = talk?.channelId === id ? talk.phase : "idle";
  return (
    <div className="console-talk row" data-testid="console-talk">
      <button
        type="button"
        className={`btn talk-btn ${state}`}
        data-testid="talk-button"
        data-state={state}
        disabled={!enabled}
        {...props}
      >
        {state === "talking" ? "On air" : `Hold to talk (${keyLabel(pttKey)})`}
      </button>
      <span data-testid="console-selected">
        {channel ? `on # ${channel.name}` : "Select a channel (1–9)"}
      </span>
      {channel && channel.kind === "group" && <AllCall channelId={channel.id} event={event} />}
    </div>
  );
}
