/**
 * Builders of contract objects for the web client's tests. Each result is parsed with its
 * protocol schema, so a fixture cannot drift from the wire contract (a new required field fails
 * here first). Abilities default to "may do nothing": a test grants what it is about.
 */
import {
  Alert,
  Channel,
  type ChannelAbilities,
  type EventAbilities,
  EventWithChannels,
  Member,
  type MemberAbilities,
  User,
} from "@won/protocol";

const CREATED = "2026-06-01T09:00:00.000Z";
let nextId = 1;

/** A fresh lower-case UUID (the only form the contract accepts). */
export function anId(): string {
  return `00000000-0000-4000-8000-${String(nextId++).padStart(12, "0")}`;
}

export const noChannelAbilities: ChannelAbilities = {
  talk: false,
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

export const noEventAbilities: EventAbilities = {
  edit: false,
  delete: false,
  invite: false,
  rotateInvite: false,
  manageMembers: false,
  changeRoles: false,
  createChannel: false,
  handleAlerts: false,
  patch: false,
  allCall: false,
};

export const noMemberAbilities: MemberAbilities = {
  remove: false,
  changeRole: false,
  setCanSpeak: false,
  resetPassword: false,
};

export function aUser(username: string, displayName = username): User {
  return User.parse({ id: anId(), username, displayName, createdAt: CREATED });
}

export function aMember(
  user: User,
  role: Member["role"],
  abilities: Partial<MemberAbilities> = {},
  extra: Partial<Pick<Member, "canSpeak">> = {},
): Member {
  return Member.parse({
    user,
    role,
    ...extra,
    abilities: { ...noMemberAbilities, ...abilities },
    joinedAt: CREATED,
  });
}

export function aChannel(
  over: Partial<Omit<Channel, "abilities">> & { abilities?: Partial<ChannelAbilities> } = {},
) {
  const { abilities, ...rest } = over;
  return Channel.parse({
    id: anId(),
    name: "Stewards",
    description: "",
    eventId: null,
    kind: "group",
    myRole: "member",
    canSpeak: true,
    lastSeq: 0,
    createdAt: CREATED,
    ...rest,
    abilities: { ...noChannelAbilities, ...abilities },
  });
}

export function anEvent(
  over: Partial<Omit<EventWithChannels, "abilities">> & { abilities?: Partial<EventAbilities> } = {},
): EventWithChannels {
  const { abilities, ...rest } = over;
  return EventWithChannels.parse({
    id: anId(),
    name: "Summer Festival",
    description: "",
    startsAt: null,
    endsAt: null,
    myRole: "participant",
    memberCount: 1,
    channels: [],
    createdAt: CREATED,
    ...rest,
    abilities: { ...noEventAbilities, ...abilities },
  });
}

/** An open alert raised by `raisedBy` (a fresh user if not given), raised at `CREATED`. */
export function anAlert(over: Partial<Alert> = {}): Alert {
  return Alert.parse({
    id: anId(),
    eventId: anId(),
    channelId: null,
    raisedBy: aUser("steward", "Sam Steward"),
    state: "open",
    outcome: null,
    note: null,
    location: null,
    claimedBy: null,
    claimedAt: null,
    closedBy: null,
    closedAt: null,
    escalations: 0,
    recordings: [],
    createdAt: CREATED,
    ...over,
  });
}
