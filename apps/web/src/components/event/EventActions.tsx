/**
 * The event's invite code, and leaving or deleting it: each shown when the event's abilities (or,
 * for leaving, my own member row's) allow it. Both end on the home screen.
 */
import type { EventWithChannels } from "@won/protocol";
import { useNavigate } from "react-router";
import { describeError } from "../../api/problem";
import { useSessionStore } from "../../auth/session";
import { useDeleteEvent, useLeaveEvent, useRegenerateEventCode } from "../../state/queries/events";
import { useEventMembers } from "../../state/queries/members";
import { InviteCodeCard } from "../InviteCodeCard";

export function EventInvite({ event: ev }: { event: EventWithChannels }) {
  const regenerate = useRegenerateEventCode(ev.id);
  if (!ev.abilities.invite || !ev.inviteCode) return null;
  return (
    <section className="card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite code</h2>
      <p className="muted small">
        Stewards join this event (and all its channels) with this code or by scanning the QR code.
      </p>
      <InviteCodeCard
        code={ev.inviteCode}
        url={ev.inviteUrl}
        onRegenerate={ev.abilities.rotateInvite ? () => regenerate.mutate() : undefined}
        busy={regenerate.isPending}
      />
    </section>
  );
}

/** Shown when my own member row may be removed (an event must keep an organiser; the server decides). */
export function LeaveEvent({ event: ev }: { event: EventWithChannels }) {
  const me = useSessionStore((s) => s.session?.user.id);
  const mayLeave = useEventMembers(ev.id).data?.find((m) => m.user.id === me)?.abilities.remove;
  const leave = useLeaveEvent(ev.id, me);
  const navigate = useNavigate();
  if (!mayLeave) return null;
  return (
    <section className="card" aria-labelledby="leave-title">
      <h2 id="leave-title">Leave</h2>
      <p className="muted small">You can rejoin later with the invite code.</p>
      {leave.isError && <p className="form-error">{describeError(leave.error)}</p>}
      <button
        type="button"
        className="btn danger"
        disabled={leave.isPending}
        onClick={() => {
          if (confirm(`Leave “${ev.name}”?`)) {
            leave.mutate(undefined, { onSuccess: () => navigate("/", { replace: true }) });
          }
        }}
      >
        Leave event
      </button>
    </section>
  );
}

export function DeleteEvent({ event: ev }: { event: EventWithChannels }) {
  const remove = useDeleteEvent(ev.id);
  const navigate = useNavigate();
  if (!ev.abilities.delete) return null;
  return (
    <section className="card" aria-labelledby="danger-title">
      <h2 id="danger-title">Danger zone</h2>
      <p className="muted small">Deleting the event deletes all its channels and their history.</p>
      {remove.isError && <p className="form-error">{describeError(remove.error)}</p>}
      <button
        type="button"
        className="btn danger"
        disabled={remove.isPending}
        onClick={() => {
          if (confirm(`Delete “${ev.name}” and all its channels?`)) {
            remove.mutate(undefined, { onSuccess: () => navigate("/", { replace: true }) });
          }
        }}
      >
        Delete event
      </button>
    </section>
  );
}
