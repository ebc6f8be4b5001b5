/**
 * How people are named on screen. A display name is chosen freely, so two people can pick the
 * same one ("Event Control"); the username is unique plain ASCII. Wherever someone's words or
 * voice are attributed — timeline, talk banner, member and presence lists, the monitor bar — the
 * @username is shown beside the display name, always: showing it only when two identical names
 * are in view would not help, because the person being impersonated is often not in view (an
 * older page of the timeline, another channel).
 */
import { type User, visibleDisplayName } from "@won/protocol";

type Named = Pick<User, "displayName" | "username">;

/** The display name to show: without control, formatting or invisible characters (names stored
 *  before the server refused them may hold some), or the username when nothing visible is left. */
export function shownName(user: Named): string {
  return visibleDisplayName(user.displayName) || user.username;
}

/** "Olivia (Control) · @olivia", for places that take plain text (labels, dialogs, chips). */
export function userLabel(user: Named): string {
  return `${shownName(user)} · @${user.username}`;
}
