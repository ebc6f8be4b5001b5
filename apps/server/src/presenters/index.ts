/**
 * Presenters: the only place rows become contract shapes (docs/protocol.md). Nothing else builds
 * response objects, so a field is added or renamed in exactly one place.
 */
import {
  API_PREFIX,
  type Channel,
  type Event,
  type EventWithChannels,
  type Me,
  type Member,
  type Message,
  routePath,
  routes,
  type User,
} from "@won/protocol";
import type { ChannelRow, EventRow, MessageRow, UserRow } from "../db/schema.js";
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
    lastSeq: Number(c.last_seq),
    createdAt: iso(c.created_at),
  };
}

export function presentChannel(c: ChannelRow, access: ChannelGrant, at: PresentContext): Channel {
  const abilities = channelAbilities(access);
  return {
    ...presentChannelPublic(c),
    myRole: access.role,
    canSpeak: access.canSpeak,
    ...invite(c.invite_code, abilities.invite, at),
    abilities,
  };
}

/** A member of an event as `actor` sees them (with what `actor` may do to them). */
export function presentEventMember(m: EventMemberRow, user: UserProfile, actor: EventMemberStanding): Member {
  return {
    user: presentUser(user),
    role: m.role,
    abilities: eventMemberAbilities(actor, { userId: m.user_id, role: m.role }),
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
): Message {
  return {
    id: m.id,
    channelId: m.channel_id,
    seq: Number(m.seq),
    sender: presentUser(sender),
    kind: m.kind,
    ...(m.body !== null ? { body: m.body } : {}),
    ...(recording
      ? {
          recording: {
            id: recording.id,
            durationMs: recording.duration_ms,
            url: API_PREFIX + routePath(routes.getRecording, { recordingId: recording.id }),
          },
        }
      : {}),
    createdAt: iso(m.created_at),
  };
}
