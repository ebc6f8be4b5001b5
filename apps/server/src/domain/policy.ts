/**
 * The one home of authorisation: pure functions that answer "may this user do X to that thing"
 * from the caller's standing (event role, channel grant) and the target's. Every REST command,
 * every socket handler and push-to-talk asks these, and their answers travel to the client as
 * `abilities`, so the web app never re-derives a rule from role strings. A rule change is one
 * edit here and one row in `policy.test.ts`.
 *
 * Nothing here reads the database or the clock: callers load the standing, then ask. Larger
 * rule sets live beside it (policy-accounts.ts) and are exported from here: callers import this.
 */
import type {
  ChannelAbilities,
  ChannelRole,
  EventAbilities,
  EventRole,
  MemberAbilities,
} from "@won/protocol";
import { type AccountStanding, mayIssuePasswordReset } from "./policy-accounts.js";
import { type Decision, isChannelStaff, isEventStaff, no, OK } from "./policy-base.js";

export type { AccountStanding } from "./policy-accounts.js";
export { mayIssuePasswordReset } from "./policy-accounts.js";
export type { Decision, Refusal } from "./policy-base.js";
export type { ChannelRole, EventRole };

const CHANNEL_RANK: Record<ChannelRole, number> = { member: 0, moderator: 1, admin: 2 };

/** The channel role an event role gives in every channel of that event. */
export const CHANNEL_ROLE_FROM_EVENT: Readonly<Record<EventRole, ChannelRole>> = {
  organiser: "admin",
  moderator: "moderator",
  participant: "member",
};

export function outranks(a: ChannelRole, b: ChannelRole): boolean {
  return CHANNEL_RANK[a] > CHANNEL_RANK[b];
}

// ---------------------------------------------------------------- standing in a channel

/**
 * What one user holds in one channel, as stored: their event role (event channels), the role of
 * their own `channel_members` row if they have one (a direct membership, or an explicit raise
 * above what the event gives), and whether a moderator restricted them to listening.
 */
export interface ChannelStanding {
  eventRole: EventRole | null;
  /** The role on the user's own channel row; null when they have none. */
  ownRole: ChannelRole | null;
  /** A listen-only restriction: it outlives leaving and rejoining, and only staff clear it. */
  restricted: boolean;
  /** The channel is a direct channel of two users (its rows are the only members it has). */
  directChannel?: boolean;
}

/** Effective access of one user to one channel. */
export interface ChannelGrant {
  role: ChannelRole;
  canSpeak: boolean;
  /** The user's event role when the channel belongs to an event they are a member of. */
  eventRole: EventRole | null;
  /** Whether the user has a membership of their own (not only through the event). */
  direct: boolean;
  /** The channel is a direct channel between two users: nobody moderates, invites or leaves it. */
  directChannel?: boolean;
}

/**
 * Members of an event are members of its channels with the role their event role gives; a
 * channel row adds a member directly or raises that role for one channel, never lowers it.
 * Null: not a member.
 */
export function channelGrant(s: ChannelStanding): ChannelGrant | null {
  if (!s.eventRole && !s.ownRole) return null;
  const derived = s.eventRole ? CHANNEL_ROLE_FROM_EVENT[s.eventRole] : "member";
  const role = s.ownRole && outranks(s.ownRole, derived) ? s.ownRole : derived;
  const grant: ChannelGrant = {
    role,
    canSpeak: !s.restricted,
    eventRole: s.eventRole,
    direct: s.ownRole !== null,
  };
  if (s.directChannel) grant.directChannel = true;
  return grant;
}

/**
 * The role to store on a member's own row when staff set `requested`: only what is raised
 * above the event-derived role is kept (a row must never copy what the event gives, or a later
 * demotion in the event would leave the copy behind).
 */
export function storedChannelRole(eventRole: EventRole | null, requested: ChannelRole): ChannelRole {
  if (!eventRole) return requested;
  return outranks(requested, CHANNEL_ROLE_FROM_EVENT[eventRole]) ? requested : "member";
}

// ---------------------------------------------------------------- abilities

export function eventAbilities(role: EventRole): EventAbilities {
  const organiser = role === "organiser";
  const staff = isEventStaff(role);
  return {
    edit: organiser,
    delete: organiser,
    invite: staff,
    rotateInvite: organiser,
    manageMembers: staff,
    changeRoles: organiser,
    createChannel: staff,
    handleAlerts: staff,
    patch: staff,
    allCall: organiser,
  };
}

/** What the two users of a direct channel may do there: talk and read, nothing else. */
const DIRECT_ABILITIES: Omit<ChannelAbilities, "talk"> = {
  interrupt: false,
  moderate: false,
  edit: false,
  delete: false,
  invite: false,
  rotateInvite: false,
  manageMembers: false,
  leave: false,
  requireAck: false,
};

export function channelAbilities(g: ChannelGrant): ChannelAbilities {
  if (g.directChannel) return { talk: g.canSpeak, ...DIRECT_ABILITIES };
  const staff = isChannelStaff(g.role);
  return {
    talk: g.canSpeak,
    interrupt: g.canSpeak && staff,
    moderate: staff,
    edit: staff,
    delete: g.role === "admin",
    invite: staff,
    rotateInvite: staff,
    manageMembers: g.role === "admin",
    leave: g.direct && g.eventRole === null,
    requireAck: staff,
  };
}

/** An event member as the policy sees them. */
export interface EventMemberStanding {
  userId: string;
  role: EventRole;
}

/** Organisers remove anyone, moderators remove participants, anyone leaves. */
export function mayRemoveEventMember(actor: EventMemberStanding, target: EventMemberStanding): Decision {
  if (actor.userId === target.userId) return OK;
  if (actor.role === "organiser") return OK;
  if (actor.role === "moderator" && target.role === "participant") return OK;
  return no("forbidden", "Only organisers may remove moderators and organisers");
}

export function mayChangeEventRole(actor: EventMemberStanding): Decision {
  return actor.role === "organiser" ? OK : no("forbidden", "Only organisers may change roles");
}

/**
 * `resetPassword` needs more than the two roles in this event (see {@link mayIssuePasswordReset});
 * without `reset` the answer is no.
 */
export function eventMemberAbilities(
  actor: EventMemberStanding,
  target: EventMemberStanding,
  reset?: { organises: ReadonlySet<string>; account: AccountStanding },
): MemberAbilities {
  return {
    remove: mayRemoveEventMember(actor, target).ok,
    changeRole: mayChangeEventRole(actor).ok,
    setCanSpeak: false,
    resetPassword: reset ? mayIssuePasswordReset(actor.userId, reset.organises, reset.account).ok : false,
  };
}

/** A channel member as the policy sees them. */
export interface ChannelMemberStanding {
  userId: string;
  grant: ChannelGrant;
}

/**
 * Removing a member's own channel membership: anyone may leave theirs, admins remove anyone,
 * moderators remove plain members. Membership that comes from the event is changed on the event.
 */
export function mayRemoveChannelMember(
  actor: ChannelMemberStanding,
  target: ChannelMemberStanding,
): Decision {
  if (target.grant.directChannel) return no("conflict", "A direct channel always keeps its two users");
  const self = actor.userId === target.userId;
  const rank =
    self ||
    actor.grant.role === "admin" ||
    (actor.grant.role === "moderator" && outranks("moderator", target.grant.role));
  if (!rank) return no("forbidden", "You may not remove this member");
  if (target.grant.eventRole)
    return no(
      "conflict",
      "Membership of this channel comes from its event; remove the member from the event instead",
    );
  return OK;
}

/** Admins change roles; the event role is a floor, so asking for less is a conflict. */
export function mayChangeChannelRole(
  actor: ChannelMemberStanding,
  target: ChannelMemberStanding,
  role: ChannelRole,
): Decision {
  if (actor.grant.role !== "admin") return no("forbidden", "Only channel admins may change roles");
  const eventRole = target.grant.eventRole;
  if (eventRole && outranks(CHANNEL_ROLE_FROM_EVENT[eventRole], role)) {
    return no(
      "conflict",
      `Event ${eventRole}s are at least ${CHANNEL_ROLE_FROM_EVENT[eventRole]} of every channel of their event; change their event role instead`,
    );
  }
  return OK;
}

/** Admins restrict or free anyone; moderators only plain members. */
export function maySetCanSpeak(actor: ChannelMemberStanding, target: ChannelMemberStanding): Decision {
  if (actor.grant.role === "admin") return OK;
  if (actor.grant.role === "moderator" && target.grant.role === "member") return OK;
  return no("forbidden", "Moderators may only change whether members can speak");
}

export function channelMemberAbilities(
  actor: ChannelMemberStanding,
  target: ChannelMemberStanding,
): MemberAbilities {
  return {
    remove: mayRemoveChannelMember(actor, target).ok,
    changeRole: actor.grant.role === "admin",
    setCanSpeak: maySetCanSpeak(actor, target).ok,
    // Issued from an event's member list only (it needs the whole account's standing).
    resetPassword: false,
  };
}

// ---------------------------------------------------------------- transmissions

/** What a `ptt.start` may get: the floor at all, and pre-emption of a member's transmission. */
export function transmitDecision(
  g: ChannelGrant,
  wantsPriority: boolean,
): { allowed: boolean; priority: boolean } {
  const a = channelAbilities(g);
  return { allowed: a.talk, priority: wantsPriority && a.interrupt };
}

/**
 * An all-call (`ptt.start` with `scope: "event"`) needs the `allCall` ability in the channel's
 * event and the right to talk on the channel it is started from.
 */
export function allCallDecision(eventRole: EventRole | null, g: ChannelGrant): Decision {
  if (!eventRole || !eventAbilities(eventRole).allCall)
    return no("forbidden", "Only organisers may call the whole event");
  if (!channelAbilities(g).talk) return no("forbidden", "You may only listen in this channel");
  return OK;
}

/** Whether a running transmission may go on after the speaker's access changed. */
export function mayContinueTransmission(g: ChannelGrant | null, priority: boolean): boolean {
  if (!g) return false;
  const d = transmitDecision(g, priority);
  return d.allowed && d.priority === priority;
}

// ---------------------------------------------------------------- emergency alerts

/** An alert as the policy sees it. */
export interface AlertStanding {
  raisedBy: string;
  state: "open" | "claimed" | "closed";
}

/** The caller in the alert's event: their id and event role (null: not a member). */
export interface AlertActor {
  userId: string;
  role: EventRole | null;
}

/** Event staff see every alert of the event; anyone else in it only the ones they raised. */
export function mayViewAlert(actor: AlertActor, alert: AlertStanding): boolean {
  if (!actor.role) return false;
  return isEventStaff(actor.role) || alert.raisedBy === actor.userId;
}

/** Claiming (and taking over) is for event staff: the `handleAlerts` ability. */
export function mayClaimAlert(actor: AlertActor): Decision {
  return actor.role && eventAbilities(actor.role).handleAlerts
    ? OK
    : no("forbidden", "Only organisers and moderators may handle alerts");
}

/** An alert's audit trail, and the receipts of its alarm on staff devices, are for event staff. */
export function mayAuditAlert(actor: AlertActor): Decision {
  return actor.role && eventAbilities(actor.role).handleAlerts
    ? OK
    : no("forbidden", "Only organisers and moderators keep and read an alert's trail");
}

/** Staff close any alert with any outcome; its raiser may only call their own a false alarm. */
export function mayResolveAlert(
  actor: AlertActor,
  alert: AlertStanding,
  outcome: "resolved" | "false_alarm",
): Decision {
  if (actor.role && isEventStaff(actor.role)) return OK;
  if (alert.raisedBy === actor.userId && outcome === "false_alarm") return OK;
  return no("forbidden", "Only organisers and moderators may resolve alerts; you may cancel your own");
}

/** Only the raiser reports where they are, and only while the alert is not closed. */
export function mayUpdateAlertLocation(actor: AlertActor, alert: AlertStanding): Decision {
  if (alert.raisedBy !== actor.userId) return no("forbidden", "Only the raiser reports the alert's location");
  if (alert.state === "closed") return no("conflict", "The alert is closed");
  return OK;
}

/** Whether a hot mic for this alert may be opened by this user: its raiser, while not closed. */
export function mayOpenHotMic(userId: string, alert: AlertStanding): boolean {
  return alert.raisedBy === userId && alert.state !== "closed";
}

// ---------------------------------------------------------------- direct calls and patches

/**
 * Opening a direct channel: with someone else, whom the caller shares an event or a (group)
 * channel with. The same refusal for an unknown user, so the answer does not reveal who exists.
 */
export function mayOpenDirect(callerId: string, targetId: string, shareSomething: boolean): Decision {
  if (callerId === targetId) return no("forbidden", "A direct channel needs someone else");
  if (!shareSomething)
    return no("forbidden", "You may only call someone you share an event or a channel with");
  return OK;
}

/** Creating and removing patches of an event's channels: the event's `patch` ability. */
export function mayManagePatches(eventRole: EventRole | null): Decision {
  return eventRole && eventAbilities(eventRole).patch
    ? OK
    : no("forbidden", "Only organisers and moderators may patch channels");
}

// ---------------------------------------------------------------- messages that must be acknowledged

/** A message as the acknowledgement rules see it. */
export interface AckMessageStanding {
  senderId: string;
  ackRequired: boolean;
}

/** Asking every recipient to acknowledge a message: the channel's `requireAck` ability. */
export function mayRequireAck(g: ChannelGrant): Decision {
  return channelAbilities(g).requireAck
    ? OK
    : no("forbidden", "Only channel moderators and admins may require acknowledgement");
}

/**
 * Acknowledging is for any member of the channel (the caller's membership is checked before),
 * except its sender, and only of a message that asks for it.
 */
export function mayAckMessage(userId: string, message: AckMessageStanding): Decision {
  if (!message.ackRequired) return no("conflict", "This message does not ask for acknowledgement");
  if (message.senderId === userId) return no("conflict", "You sent this message");
  return OK;
}

/** Who acknowledged and who is pending: for the sender and the channel's moderators and admins. */
export function mayReadAcks(userId: string, g: ChannelGrant, message: AckMessageStanding): Decision {
  if (!message.ackRequired) return no("conflict", "This message does not ask for acknowledgement");
  if (message.senderId === userId || channelAbilities(g).moderate) return OK;
  return no("forbidden", "Only its sender and the channel's moderators and admins see who acknowledged");
}
