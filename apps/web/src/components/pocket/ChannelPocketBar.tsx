/**
 * The channel screen's pocket controls: headset and media buttons talk on this channel, the
 * incoming chirp can be muted for it, and radio mode opens from here.
 */
import type { ChannelAbilities } from "@won/protocol";
import { Link } from "react-router";
import { useHeadsetTalk } from "../../hooks/useHeadsetTalk";
import { useSettings } from "../../settings/settings-store";

/** Mutes or unmutes this channel's incoming chirp (its voice still plays). */
export function CueMuteButton({
  channelId,
  className = "btn small",
}: {
  channelId: string;
  className?: string;
}) {
  const muted = useSettings((s) => s.cueMuted.includes(channelId));
  const update = useSettings((s) => s.update);
  const toggle = () => {
    const cur = useSettings.getState().cueMuted;
    update({ cueMuted: muted ? cur.filter((id) => id !== channelId) : [...cur, channelId] });
  };
  return (
    <button
      type="button"
      className={className}
      aria-pressed={muted}
      onClick={toggle}
      title="The chirp when someone starts talking here"
    >
      {muted ? "Chirp off" : "Chirp on"}
    </button>
  );
}

export function ChannelPocketBar({
  channel,
}: {
  channel: { id: string; name: string; abilities: Pick<ChannelAbilities, "talk" | "interrupt"> };
}) {
  useHeadsetTalk({ channelId: channel.id, channelName: channel.name, abilities: channel.abilities });
  return (
    <>
      <CueMuteButton channelId={channel.id} />
      <Link className="btn small" to={`/channels/${channel.id}/radio`}>
        Radio mode
      </Link>
    </>
  );
}
