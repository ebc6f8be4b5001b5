/**
 * Part of the policy module (exported from policy.ts, where callers import it): who may hand
 * someone else's account a new password.
 */
import type { ChannelRole, EventRole } from "@won/protocol";
import { type Decision, isChannelStaff, isEventStaff, no, OK } from "./policy-base.js";

/** Everything one account holds, as the password reset rule sees it. */
export interface AccountStanding {
  userId: string;
  /** Every event the user belongs to, with their role there. */
  events: readonly { eventId: string; role: EventRole }[];
  /** The user's own rows in group channels (direct channels aside), with the channel's event. */
  channels: readonly { eventId: string | null; role: ChannelRole }[];
}

/**
 * Issuing a one-time password reset code for someone else's account, which hands that account to
 * whoever reads the code: for an organiser (`organises`: the ids of the events the actor
 * organises) of EVERY event the target belongs to, so that an organiser never takes over an
 * account used in someone else's event; the target's own channel rows count too, and a standalone
 * channel is nobody's event, so a member of one is refused. Staff accounts (organiser or
 * moderator of an event, admin or moderator of a channel, anywhere) are never reset by another
 * person. Redeeming asks again, for the issuer as they stand then: a role change voids the code.
 */
export function mayIssuePasswordReset(
  actorId: string,
  organises: ReadonlySet<string>,
  target: AccountStanding,
): Decision {
  if (actorId === target.userId) return no("forbidden", "Change your own password by signing in");
  if (target.events.some((e) => isEventStaff(e.role)) || target.channels.some((c) => isChannelStaff(c.role)))
    return no("forbidden", "Organisers, moderators and admins reset their own passwords");
  const mine = (eventId: string | null) => eventId !== null && organises.has(eventId);
  if (target.events.length === 0 || !target.events.every((e) => mine(e.eventId)))
    return no(
      "forbidden",
      "Only an organiser of every event this member belongs to may reset their password",
    );
  if (!target.channels.every((c) => mine(c.eventId)))
    return no("forbidden", "This member uses a channel outside the events you organise");
  return OK;
}
