/** "Call": opens a direct call with one user (member rows, the current speaker). */
import type { User } from "@won/protocol";
import { userLabel } from "../users/user-name";

export function CallButton({ user, onCall }: { user: User; onCall: () => void }) {
  return (
    <button
      type="button"
      className="btn small call-btn"
      aria-label={`Call ${userLabel(user)}`}
      title="Talk to them alone, in a direct call"
      onClick={onCall}
    >
      📞 Call
    </button>
  );
}
