/**
 * Someone followed an invite link while signed out: say what they were invited to, and that the
 * invite is kept through signing in or creating an account. A code that leads nowhere says so
 * before they make an account for nothing.
 */
import { useQuery } from "@tanstack/react-query";
import type { InvitePreview } from "@won/protocol";
import { api } from "../../api/endpoints";
import { ApiError } from "../../api/problem";

/** The invite code of a `/join/CODE` destination, or null. */
export function inviteCodeOf(next: string): string | null {
  const m = /^\/join\/([^/?#]+)/.exec(next);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** The welcome line for a preview: the event, or the channel and its event. */
export function inviteTitle(p: InvitePreview): string {
  if (p.kind === "event") return `You're invited to ${p.name}`;
  return p.eventName
    ? `You're invited to ${p.name} at ${p.eventName}`
    : `You're invited to the channel ${p.name}`;
}

export function InviteWelcome({ code }: { code: string }) {
  const preview = useQuery({
    queryKey: ["invite-preview", code],
    queryFn: () => api.invitePreview(code),
    retry: false,
    staleTime: 60_000,
  });
  if (preview.isPending) return null;
  if (preview.isError) {
    const gone = preview.error instanceof ApiError && preview.error.code === "invalid_code";
    return gone ? (
      <p className="banner warn" role="alert" data-testid="invite-welcome">
        This invite code no longer works — ask the organiser for a new one.
      </p>
    ) : null;
  }
  return (
    <div className="card invite-welcome" data-testid="invite-welcome">
      <h2>{inviteTitle(preview.data)}</h2>
      <p className="muted">Sign in or create an account, and you're in.</p>
    </div>
  );
}
