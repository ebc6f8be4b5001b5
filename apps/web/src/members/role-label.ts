/**
 * How a role reads on screen. Roles are only ever displayed: what a person may do is decided by
 * the `abilities` the server sends, never by comparing these strings.
 */
import type { ChannelRole, EventRole } from "@won/protocol";

const ROLE_LABEL: Record<EventRole | ChannelRole, string> = {
  organiser: "Organiser",
  moderator: "Moderator",
  participant: "Participant",
  admin: "Channel admin",
  member: "Member",
};

/** "Channel admin" for `admin`, and so on; an unknown role (a newer server) shows as sent. */
export function roleLabel(role: string): string {
  return (ROLE_LABEL as Record<string, string | undefined>)[role] ?? role;
}
