/**
 * Presenters: the only place rows become contract shapes (docs/protocol.md). Nothing else builds
 * response objects, so a field is added or renamed in exactly one place.
 */
import {
  type Alert,
  API_PREFIX,
  type Channel,
  type Event,
  type EventWithChannels,
  type Me,
  type Member,
  type Message,
  type Recording,
  routePath,
  routes,
  type User,
} from "@won/protocol";
import type { AlertRow, ChannelRow, EventRow, MessageRow, UserRow } from "../db/schema.js";
import {
  type ChannelGrant,
  type ChannelMemberStanding,
  channelAbilities,
  channelMemberAbilities,
  type EventMemberStanding,
  type EventRole,
  eventAbilities,
  eventMemberAbilities,
} from "../domain/policy.js";
import type { ChannelMemberRow } from "../repositories/channels.js";
import type { EventMemberRow } from "../repositories/events.js";
import type { UserProfile } from "../repositories/users.js";

/**
 * What presenting needs from the request beyond the rows: the origin phones reach this server at
 * (`PUBLIC_URL`, or derived from the request: lib/public-url.ts), for invite links.
 */
export interface PresentContext {
  readonly publicBase: string;
}

/** `inviteCode` and its deep link, for callers allowed to invite; nothing otherwise. */
function invite(code: string, allowed: boolean, at: PresentContext) {
  return allowed ? { inviteCode: code, inviteUrl: `${at.publicBase}/join/${code}` } : {};
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function presentUser(u: UserProfile): User {
  return { id: u.id, username: u.username, displayName: u.display_name, createdAt: iso(u.created_at) };
}

export function presentMe(u: UserRow): Me {
  return { ...presentUser(u), email: u.email };
}

export function presentEvent(e: EventRow, myRole: EventRole, memberCount: number, at: PresentContext): Event {
  const abilities = eventAbilities(myRole);
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    startsAt: isoOrNull(e.starts_at),
    endsAt: isoOrNull(e.ends_at),
    myRole,
    memberCount,
    ...invite(e.invite_code, abilities.invite, at),
    abilities,
    createdAt: iso(e.created_at),
  };
}

export function presentEventWithChannels(e: Event, channels: Channel[]): EventWithChannels {
  return { ...e, channels };
}

/** The channel as every member sees it, without per-user fields (for broadcasts). */
export function presentChannelPublic(c: ChannelRow) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    eventId: c.event_id,
    kind: c.kind,
    lastSeq: Number(c.last_seq),
    createdAt: iso(c.created_at),
  };
}

/** A channel as a member sees it; a direct channel is named after its `peer` (the other user). */
export function presentChannel(
  c: ChannelRow,
  access: ChannelGrant,
  at: PresentContext,
  peer?: UserProfile,
): Channel {
  const abilities = channelAbilities(access);
  return {
    ...presentChannelPublic(c),
    ...(peer ? { name: peer.display_name, peer: presentUser(peer) } : {}),
    myRole: access.role,
    canSpeak: access.canSpeak,
    ...invite(c.invite_code, abilities.invite, at),
    abilities,
  };
}

/** A member of an event as `actor` sees them (with what `actor` may do to them). */
export function presentEventMember(
  m: EventMemberRow,
  user: UserProfile,
  actor: EventMemberStanding,
  reset?: Parameters<typeof eventMemberAbilities>[2],
): Member {
  return {
    user: presentUser(user),
    role: m.role,
    abilities: eventMemberAbilities(actor, { userId: m.user_id, role: m.role }, reset),
    joinedAt: iso(m.joined_at),
  };
}

/** A member of a channel as `actor` sees them (with what `actor` may do to them). */
export function presentChannelMember(
  m: ChannelMemberRow,
  user: UserProfile,
  actor: ChannelMemberStanding,
): Member {
  return {
    user: presentUser(user),
    role: m.grant.role,
    canSpeak: m.grant.canSpeak,
    abilities: channelMemberAbilities(actor, { userId: m.user_id, grant: m.grant }),
    joinedAt: iso(m.joined_at),
  };
}

export function presentMessage(
  m: MessageRow,
  sender: UserProfile,
  recording?: { id: string; duration_ms: number },
  ack?: { count: number; total: number; byMe?: boolean },
): Message {
  return {
    id: m.id,
    channelId: m.channel_id,
    seq: Number(m.seq),
    sender: presentUser(sender),
    kind: m.kind,
    ...(m.body !== null ? { body: m.body } : {}),
    ...(recording ? { recording: presentRecording(recording) } : {}),
    // A message asking for acknowledgement says so even with no recipients (nobody else there).
    ...(Number(m.ack_required)
      ? { ack: { required: true as const, ...(ack ?? { count: 0, total: 0 }) } }
      : {}),
    createdAt: iso(m.created_at),
  };
}

export function presentRecording(r: { id: string; duration_ms: number }): Recording {
  return {
    id: r.id,
    durationMs: r.duration_ms,
    url: API_PREFIX + routePath(routes.getRecording, { recordingId: r.id }),
  };
}

/**
 * An alert, with the profiles of the people it names (`users`, by id; one missing — an account
 * deleted meanwhile — shows as null) and its recordings, oldest first.
 */
export function presentAlert(
  a: AlertRow,
  raisedBy: UserProfile,
  users: ReadonlyMap<string, UserProfile>,
  recordings: readonly { id: string; duration_ms: number }[],
  receivedBy = 0,
): Alert {
  const user = (id: string | null) => {
    const u = id === null ? undefined : users.get(id);
    return u ? presentUser(u) : null;
  };
  const located = a.lat !== null && a.lon !== null && a.accuracy_m !== null && a.location_at !== null;
  return {
    id: a.id,
    eventId: a.event_id,
    channelId: a.channel_id,
    raisedBy: presentUser(raisedBy),
    state: a.state,
    outcome: a.outcome,
    note: a.note,
    location: located
      ? { lat: a.lat!, lon: a.lon!, accuracyM: a.accuracy_m!, at: iso(Number(a.location_at)) }
      : null,
    claimedBy: user(a.claimed_by),
    claimedAt: isoOrNull(a.claimed_at === null ? null : Number(a.claimed_at)),
    closedBy: user(a.closed_by),
    closedAt: isoOrNull(a.closed_at === null ? null : Number(a.closed_at)),
    escalations: Number(a.escalations),
    receivedBy,
    recordings: recordings.map(presentRecording),
    createdAt: iso(Number(a.created_at)),
  };
}
