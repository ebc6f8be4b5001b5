/**
 * An event's members with their roles. Each row offers what the caller may do to that member —
 * change the role, remove, issue a password reset code — as the row's abilities say (organisers anyone, moderators only
 * participants), so nobody is shown a control the server would refuse.
 */
import { EventRole as EventRoleSchema } from "@won/protocol";
import { describeError } from "../api/problem";
import { useSessionStore } from "../auth/session";
import { useCallUser } from "../state/queries/direct";
import { useEventMembers, useRemoveEventMember, useSetEventRole } from "../state/queries/members";
import { useIssuePasswordReset } from "../state/queries/password-reset";
import { shownName } from "../users/user-name";
import { MemberRow } from "./MemberRow";
import { ResetCodeDialog } from "./ResetCodeDialog";
import { Spinner } from "./ui";

export function MembersList({ eventId }: { eventId: string }) {
  const members = useEventMembers(eventId);
  const me = useSessionStore((s) => s.session?.user.id);
  const caller = useCallUser();
  const setRole = useSetEventRole(eventId);
  const remove = useRemoveEventMember(eventId);
  const reset = useIssuePasswordReset(eventId);
  const error = setRole.error ?? remove.error ?? caller.error ?? reset.error;
  const resetFor = members.data?.find((m) => m.user.id === reset.variables);

  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {error && <p className="form-error">{describeError(error)}</p>}
      {members.isPending ? (
        <Spinner label="Loading members" />
      ) : members.isError ? (
        <p className="form-error">{describeError(members.error)}</p>
      ) : (
        <ul className="list" data-testid="member-list">
          {members.data.map((m) => (
            <MemberRow
              key={m.user.id}
              member={m}
              selfId={me}
              roles={EventRoleSchema.options}
              place="this event"
              onRoleChange={(role) =>
                setRole.mutate({ userId: m.user.id, role: EventRoleSchema.parse(role) })
              }
              onRemove={() => remove.mutate(m.user.id)}
              onCall={() => caller.call(m.user)}
              onResetPassword={() => reset.mutate(m.user.id)}
            />
          ))}
        </ul>
      )}
      {reset.data && (
        <ResetCodeDialog
          issued={reset.data}
          name={resetFor ? shownName(resetFor.user) : "the member"}
          onClose={() => reset.reset()}
        />
      )}
    </section>
  );
}
