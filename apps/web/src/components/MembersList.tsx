/** Event members with roles; organisers promote/demote, organisers and moderators remove. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type EventRole, EventRole as EventRoleSchema } from "@won/protocol";
import { api } from "../api/endpoints";
import { describeError } from "../api/problem";
import { qk, useEventMembers } from "../api/queries";
import { useSessionStore } from "../auth/session";
import { Avatar, Spinner } from "./ui";

const ROLE_LABEL: Record<EventRole, string> = {
  organiser: "Organiser",
  moderator: "Moderator",
  participant: "Participant",
};

export function MembersList({ eventId, myRole }: { eventId: string; myRole: EventRole }) {
  const members = useEventMembers(eventId);
  const me = useSessionStore((s) => s.session?.user.id);
  const qc = useQueryClient();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: qk.eventMembers(eventId) });
    void qc.invalidateQueries({ queryKey: qk.event(eventId) });
  };
  const setRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: EventRole }) =>
      api.setEventRole(eventId, userId, role),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api.removeEventMember(eventId, userId),
    onSettled: refresh,
  });
  const organiser = myRole === "organiser";
  const canRemove = organiser || myRole === "moderator";
  const error = setRole.error ?? remove.error;

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
          {members.data.map((m) => {
            const role = m.role as EventRole;
            const self = m.user.id === me;
            return (
              <li key={m.user.id} className="list-item member-row">
                <Avatar user={m.user} />
                <div className="who">
                  <div className="title">
                    {m.user.displayName} {self && <span className="muted small">(you)</span>}
                  </div>
                  <div className="sub">@{m.user.username}</div>
                </div>
                <div className="actions">
                  {organiser && !self ? (
                    <select
                      aria-label={`Role of ${m.user.displayName}`}
                      value={role}
                      style={{ width: "auto" }}
                      onChange={(e) =>
                        setRole.mutate({ userId: m.user.id, role: e.target.value as EventRole })
                      }
                    >
                      {EventRoleSchema.options.map((r) => (
                        <option key={r} value={r}>
                          {ROLE_LABEL[r]}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <span className="badge">{ROLE_LABEL[role] ?? role}</span>
                  )}
                  {canRemove && !self && role !== "organiser" && (
                    <button
                      type="button"
                      className="btn small danger"
                      aria-label={`Remove ${m.user.displayName}`}
                      onClick={() => {
                        if (confirm(`Remove ${m.user.displayName} from this event?`))
                          remove.mutate(m.user.id);
                      }}
                    >
                      Remove
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
