/**
 * Leaving a channel I am a member of in my own right (joined with its code), shown when the
 * channel's abilities say I may. Membership that comes from an event is left on the event.
 */
import type { Channel } from "@won/protocol";
import { useNavigate } from "react-router";
import { describeError } from "../api/problem";
import { useSessionStore } from "../auth/session";
import { useSettings } from "../settings/settings-store";
import { useLeaveChannel } from "../state/queries/members";

export function LeaveChannel({ channel }: { channel: Channel }) {
  const me = useSessionStore((s) => s.session?.user.id);
  const navigate = useNavigate();
  const leave = useLeaveChannel(channel.id, me);
  if (!channel.abilities.leave) return null;
  const confirmLeave = () => {
    if (!confirm(`Leave # ${channel.name}?`)) return;
    leave.mutate(undefined, {
      onSuccess: () => {
        useSettings.setState((s) => ({ monitored: s.monitored.filter((id) => id !== channel.id) }));
        navigate("/", { replace: true });
      },
    });
  };
  return (
    <section className="card" aria-labelledby="leave-channel-title">
      <h2 id="leave-channel-title">Leave</h2>
      <p className="muted small">You can rejoin later with the channel's invite code.</p>
      {leave.isError && <p className="form-error">{describeError(leave.error)}</p>}
      <button type="button" className="btn danger" disabled={leave.isPending || !me} onClick={confirmLeave}>
        Leave channel
      </button>
    </section>
  );
}
