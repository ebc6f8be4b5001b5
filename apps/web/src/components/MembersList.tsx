/**
 * An event's members with their roles. Each row offers what the caller may do to that member —
 * change the role, remove — as the row's abilities say (organisers anyone, moderators only
 * participants), so nobody is shown a control the server would refuse.
 */
import { EventRole as EventRoleSchema } from "@won/protocol";
import { describeError } from "../api/problem";
import { useSessionStore } from "../auth/session";
import { useCallUser } from "../state/queries/direct";
import { useEventMembers, useRemoveEventMember, useSetEventRole } from "../state/queries/members";
import { MemberRow } from "./MemberRow";
import { Spinner } from "./ui";

export function MembersList({ eventId }: { eventId: string }) {
  const members = useEventMembers(eventId);
  const me = useSessionStore((s) => s.session?.user.id);
  const caller = useCallUser();
  const setRole = useSetEventRole(eventId);
  const remove = useRemoveEventMember(eventId);
  const error = setRole.error ?? remove.error ?? caller.error;

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
            />
          ))}
        </ul>
      )}
    </section>
  );
}
