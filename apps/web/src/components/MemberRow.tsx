/**
 * One row of a member list (event or channel): who, their role, and the controls the caller may
 * use on them — a role select, "Can talk", Reset password and Remove — each shown only when the
 * row's abilities allow it (members/member-controls.ts) — and a Call button, which opens a direct
 * call with them.
 */
import type { Member } from "@won/protocol";
import { memberControls } from "../members/member-controls";
import { roleLabel } from "../members/role-label";
import { shownName, userLabel } from "../users/user-name";
import { CallButton } from "./CallButton";
import { Avatar } from "./ui";

export interface MemberRowProps {
  member: Member;
  /** The signed-in user's id, to mark their own row. */
  selfId: string | undefined;
  /** The roles the select offers (the event's or the channel's). */
  roles: readonly string[];
  /** "this event", "this channel": the end of the removal question. */
  place: string;
  onRoleChange: (role: string) => void;
  onRemove: () => void;
  /** Channel lists only: whether the member may talk, and changing it. */
  onCanSpeakChange?: (canSpeak: boolean) => void;
  /** Opens a direct call with the member (not offered on one's own row). */
  onCall?: () => void;
  /** Event lists only: issues a one-time password reset code for the member (after confirming). */
  onResetPassword?: () => void;
}

export function MemberRow({
  member: m,
  selfId,
  roles,
  place,
  onRoleChange,
  onRemove,
  onCanSpeakChange,
  onCall,
  onResetPassword,
}: MemberRowProps) {
  const self = m.user.id === selfId;
  const may = memberControls(m, selfId);
  return (
    <li className="list-item member-row">
      <Avatar user={m.user} />
      <div className="who">
        <div className="title">
          <bdi>{shownName(m.user)}</bdi> {self && <span className="muted small">(you)</span>}
        </div>
        <div className="sub">@{m.user.username}</div>
      </div>
      <div className="actions">
        {onCall && !self && <CallButton user={m.user} onCall={onCall} />}
        {onCanSpeakChange && (
          <label className="row small can-talk">
            <input
              type="checkbox"
              className="check"
              checked={m.canSpeak ?? true}
              disabled={!may.setCanSpeak}
              onChange={(e) => onCanSpeakChange(e.target.checked)}
            />
            Can talk
          </label>
        )}
        {may.changeRole ? (
          <select
            aria-label={`Role of ${userLabel(m.user)}`}
            value={m.role}
            onChange={(e) => onRoleChange(e.target.value)}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        ) : (
          <span className="badge">{roleLabel(m.role)}</span>
        )}
        {onResetPassword && may.resetPassword && <ResetPasswordButton member={m} onReset={onResetPassword} />}
        {may.remove && (
          <button
            type="button"
            className="btn small danger"
            aria-label={`Remove ${userLabel(m.user)}`}
            onClick={() => {
              if (confirm(`Remove ${userLabel(m.user)} from ${place}?`)) onRemove();
            }}
          >
            Remove
          </button>
        )}
      </div>
    </li>
  );
}

/** Issues a one-time reset code for the member, once the organiser confirms. */
function ResetPasswordButton({ member: m, onReset }: { member: Member; onReset: () => void }) {
  return (
    <button
      type="button"
      className="btn small"
      aria-label={`Reset password of ${userLabel(m.user)}`}
      onClick={() => {
        if (
          confirm(
            `Issue a one-time reset code for ${userLabel(m.user)}? Their other sessions end when they use it.`,
          )
        )
          onReset();
      }}
    >
      Reset password
    </button>
  );
}
