/**
 * Leaving a channel I am a member of in my own right (joined with its code), shown when the
 * channel's abilities say I may. Membership that comes from an event is left on the event.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Channel } from "@won/protocol";
import { useNavigate } from "react-router";
import { api } from "../api/endpoints";
import { describeError } from "../api/problem";
import { qk } from "../api/queries";
import { useSessionStore } from "../auth/session";
import { useSettings } from "../settings/settings-store";

export function LeaveChannel({ channel }: { channel: Channel }) {
  const me = useSessionStore((s) => s.session?.user.id);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const leave = useMutation({
    mutationFn: () => api.removeChannelMember(channel.id, me ?? ""),
    onSuccess: async () => {
      useSettings.setState((s) => ({ monitored: s.monitored.filter((id) => id !== channel.id) }));
      navigate("/", { replace: true });
      await qc.invalidateQueries({ queryKey: qk.channels });
    },
  });
  if (!channel.abilities.leave) return null;
  return (
    <section className="card" aria-labelledby="leave-channel-title">
      <h2 id="leave-channel-title">Leave</h2>
      <p className="muted small">You can rejoin later with the channel's invite code.</p>
      {leave.isError && <p className="form-error">{describeError(leave.error)}</p>}
      <button
        type="button"
        className="btn danger"
        disabled={leave.isPending || !me}
        onClick={() => {
          if (confirm(`Leave # ${channel.name}?`)) leave.mutate();
        }}
      >
        Leave channel
      </button>
    </section>
  );
}
