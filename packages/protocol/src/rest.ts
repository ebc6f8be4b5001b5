/**
 * Schemas of every REST body, query and response of the wire contract (prefix /api/v1). Request
 * schemas are strict: unknown fields are rejected, so a typo in a client is an error, not a no-op.
 */
import { z } from "zod";
import { HIDDEN_NAME_MESSAGE, normaliseDisplayName } from "./display-name.js";
import { INVITE_CODE_ALPHABET, LIMITS } from "./limits.js";

/**
 * Ids are UUIDs in the lower-case form the server issues, and only that form is accepted: MySQL
 * would match "ABC…" to the row "abc…", while the server keys presence, floors and broker topics
 * by the string as sent, so another case would open a second floor on the same channel.
 */
export const Id = z.stringFormat(
  "uuid",
  /^([0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/,
  { error: "must be a UUID in lower case" },
);
export const IsoDate = z.iso.datetime({ offset: true });

const trimmed = (max: number) => z.string().trim().min(1).max(max);

export const Username = z
  .string()
  .min(LIMITS.usernameMin)
  .max(LIMITS.usernameMax)
  .regex(/^[a-zA-Z0-9_.-]+$/, "may contain only letters, digits, '_', '.' and '-'");
export const Password = z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax);
/** See display-name.ts for what is normalised and refused, and why. */
export const DisplayName = z
  .string()
  // Bounds the normalisation work; the limit that matters applies to the result.
  .max(LIMITS.displayNameMax * 4)
  .transform((raw, ctx) => {
    const name = normaliseDisplayName(raw);
    if (name !== null) return name;
    ctx.addIssue({ code: "custom", message: HIDDEN_NAME_MESSAGE, input: raw });
    return z.NEVER;
  })
  .pipe(z.string().min(1, "must not be empty").max(LIMITS.displayNameMax));
export const Email = z.email().max(LIMITS.emailMax);
/**
 * What an invite code may look like as typed: the alphabet in either case, with spaces and dashes
 * anywhere (`abcd-2345`). The OpenAPI document states it; the schema below is what enforces it.
 */
export const INVITE_CODE_INPUT_PATTERN = `^[\\s-]*(?:[${INVITE_CODE_ALPHABET}${INVITE_CODE_ALPHABET.toLowerCase().replace(/[0-9]/g, "")}][\\s-]*){${LIMITS.inviteCodeLength}}$`;
export const InviteCode = z
  .string()
  .meta({
    pattern: INVITE_CODE_INPUT_PATTERN,
    description: "8 characters; case, spaces and dashes are ignored",
  })
  .trim()
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ""))
  .pipe(
    z
      .string()
      .length(LIMITS.inviteCodeLength)
      .regex(new RegExp(`^[${INVITE_CODE_ALPHABET}]+$`), "is not a valid invite code"),
  );

// ---------------------------------------------------------------- users and auth

export const User = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  createdAt: IsoDate,
});
export type User = z.infer<typeof User>;

export const Me = User.extend({ email: z.string() });
export type Me = z.infer<typeof Me>;

export const RegisterBody = z.strictObject({
  username: Username,
  email: Email,
  password: Password,
  displayName: DisplayName.optional(),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.strictObject({
  login: z.string().min(1).max(LIMITS.emailMax),
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export const LogoutBody = z.strictObject({ refreshToken: z.string().min(1).max(512).optional() });

export const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
});
export type TokenPair = z.infer<typeof TokenPair>;

export const AuthResult = TokenPair.extend({ user: Me });
export type AuthResult = z.infer<typeof AuthResult>;

/** `POST /auth/password-reset`: `login` as `/auth/login` takes it; `password` as registration's. */
export const RedeemPasswordResetBody = z.strictObject({
  login: LoginBody.shape.login,
  /** As read aloud: case, spaces and dashes are ignored. A malformed code is `invalid_reset_code`. */
  code: z.string().min(1).max(40),
  password: Password,
});
export type RedeemPasswordResetBody = z.infer<typeof RedeemPasswordResetBody>;

/** A reset code as issued: shown to the organiser once, never stored in the clear. */
export const IssuedPasswordReset = z.object({
  /** Grouped for reading aloud (`K7QX-M4PD-9R`); case, spaces and dashes are ignored on entry. */
  code: z.string(),
  expiresAt: IsoDate,
});
export type IssuedPasswordReset = z.infer<typeof IssuedPasswordReset>;

export const PatchMeBody = z.strictObject({ displayName: DisplayName.optional() });

// ---------------------------------------------------------------- events

export const EventRole = z.enum(["organiser", "moderator", "participant"]);
export type EventRole = z.infer<typeof EventRole>;
export const ChannelRole = z.enum(["admin", "moderator", "member"]);
export type ChannelRole = z.infer<typeof ChannelRole>;

/**
 * What the caller may do, computed by the server's policy module: clients decide what to show
 * from these, never from role strings. More keys may be added.
 */
export const EventAbilities = z.object({
  edit: z.boolean(),
  delete: z.boolean(),
  /** See and share the invite code. */
  invite: z.boolean(),
  /** Issue a new invite code (the old one stops working). */
  rotateInvite: z.boolean(),
  /** Remove members (organisers anyone, moderators participants). */
  manageMembers: z.boolean(),
  changeRoles: z.boolean(),
  createChannel: z.boolean(),
  handleAlerts: z.boolean(),
  patch: z.boolean(),
  allCall: z.boolean(),
});
export type EventAbilities = z.infer<typeof EventAbilities>;

export const ChannelAbilities = z.object({
  talk: z.boolean(),
  /** Pre-empt a member's transmission (`ptt.start` with `priority`). */
  interrupt: z.boolean(),
  /** Restrict members to listening, remove plain members. */
  moderate: z.boolean(),
  edit: z.boolean(),
  delete: z.boolean(),
  invite: z.boolean(),
  rotateInvite: z.boolean(),
  /** Change members' channel roles. */
  manageMembers: z.boolean(),
  /** Leave this channel (membership of one's own, not through the event). */
  leave: z.boolean(),
  /** Post messages that ask every recipient to acknowledge them (`ackRequired`). */
  requireAck: z.boolean(),
});
export type ChannelAbilities = z.infer<typeof ChannelAbilities>;

/** What the caller may do to one member of a member list. */
export const MemberAbilities = z.object({
  remove: z.boolean(),
  changeRole: z.boolean(),
  setCanSpeak: z.boolean(),
  /** Issue a one-time password reset code for this member (event member lists only). */
  resetPassword: z.boolean(),
});
export type MemberAbilities = z.infer<typeof MemberAbilities>;

export const Channel = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  eventId: Id.nullable(),
  kind: z.enum(["group", "direct"]), // `direct`: a call of two users, `peer` the other one
  peer: User.optional(),
  myRole: ChannelRole,
  canSpeak: z.boolean(),
  lastSeq: z.number().int(),
  inviteCode: z.string().optional(),
  /** The deep link a phone opens to join (`PUBLIC_URL/join/CODE`); with `inviteCode`. */
  inviteUrl: z.string().url().optional(),
  abilities: ChannelAbilities,
  createdAt: IsoDate,
});
export type Channel = z.infer<typeof Channel>;

export const Event = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  startsAt: IsoDate.nullable(),
  endsAt: IsoDate.nullable(),
  myRole: EventRole,
  memberCount: z.number().int(),
  inviteCode: z.string().optional(),
  /** The deep link a phone opens to join (`PUBLIC_URL/join/CODE`); with `inviteCode`. */
  inviteUrl: z.string().url().optional(),
  abilities: EventAbilities,
  createdAt: IsoDate,
});
export type Event = z.infer<typeof Event>;

export const EventWithChannels = Event.extend({ channels: z.array(Channel) });
export type EventWithChannels = z.infer<typeof EventWithChannels>;

const eventTimes = <T extends { startsAt?: string | null; endsAt?: string | null }>(
  v: T,
  ctx: z.RefinementCtx,
) => {
  if (v.startsAt && v.endsAt && Date.parse(v.endsAt) < Date.parse(v.startsAt)) {
    ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must not be before the start" });
  }
};

export const CreateEventBody = z
  .strictObject({
    name: trimmed(LIMITS.nameMax),
    description: z.string().max(LIMITS.descriptionMax).optional(),
    startsAt: IsoDate.nullable().optional(),
    endsAt: IsoDate.nullable().optional(),
  })
  .superRefine(eventTimes);
export type CreateEventBody = z.infer<typeof CreateEventBody>;

export const PatchEventBody = z
  .strictObject({
    name: trimmed(LIMITS.nameMax).optional(),
    description: z.string().max(LIMITS.descriptionMax).optional(),
    startsAt: IsoDate.nullable().optional(),
    endsAt: IsoDate.nullable().optional(),
  })
  .superRefine(eventTimes);
export type PatchEventBody = z.infer<typeof PatchEventBody>;

export const Member = z.object({
  user: User,
  role: z.union([EventRole, ChannelRole]),
  /** Channel members only: whether this member may transmit. */
  canSpeak: z.boolean().optional(),
  /** What the caller may do to this member. */
  abilities: MemberAbilities,
  joinedAt: IsoDate,
});
export type Member = z.infer<typeof Member>;

export const PatchEventMemberBody = z.strictObject({ role: EventRole });

// ---------------------------------------------------------------- channels

export const CreateChannelBody = z.strictObject({
  name: trimmed(LIMITS.nameMax),
  description: z.string().max(LIMITS.descriptionMax).optional(),
  eventId: Id.optional(),
});
export type CreateChannelBody = z.infer<typeof CreateChannelBody>;

export const PatchChannelBody = z.strictObject({
  name: trimmed(LIMITS.nameMax).optional(),
  description: z.string().max(LIMITS.descriptionMax).optional(),
});

export const PatchChannelMemberBody = z
  .strictObject({ role: ChannelRole.optional(), canSpeak: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.canSpeak !== undefined, {
    message: "role or canSpeak is required",
  })
  .meta({ minProperties: 1 });

export const InviteCodeResult = z.object({ inviteCode: z.string() });

export const Speaker = z.object({
  userId: Id,
  streamId: z.number().int(),
  since: IsoDate,
  /** The speaker's profile (an addition to the contract), so a client need not look it up. */
  user: z.lazy(() => User).optional(),
});
export type Speaker = z.infer<typeof Speaker>;

export const Presence = z.object({ online: z.array(User), speaker: Speaker.nullable() });
export type Presence = z.infer<typeof Presence>;

// ---------------------------------------------------------------- joining

export const JoinBody = z.strictObject({ code: InviteCode });
export const JoinResult = z.object({
  kind: z.enum(["event", "channel"]),
  event: EventWithChannels.optional(),
  channel: Channel.optional(),
});
export type JoinResult = z.infer<typeof JoinResult>;

// ---------------------------------------------------------------- messages and recordings

export const Recording = z.object({ id: Id, durationMs: z.number().int(), url: z.string() });
export type Recording = z.infer<typeof Recording>;

/**
 * A message's acknowledgements: `total` is the channel's members other than the sender when it
 * was posted (and anyone who joined later and acknowledged it), `count` those who did so far.
 */
export const MessageAck = z.object({
  required: z.literal(true),
  count: z.number().int().min(0),
  total: z.number().int().min(0),
  /** Whether the reader acknowledged it, on answers to one reader (history, replay); a message
   *  just posted (`message.created`) has no acknowledgements yet. */
  byMe: z.boolean().optional(),
});
export type MessageAck = z.infer<typeof MessageAck>;

export const Message = z.object({
  id: Id,
  channelId: Id,
  seq: z.number().int(),
  sender: User,
  kind: z.enum(["text", "audio", "system"]),
  body: z.string().optional(),
  recording: Recording.optional(),
  /** Only on a message that asks to be acknowledged: acks so far of how many recipients. */
  ack: MessageAck.optional(),
  createdAt: IsoDate,
});
export type Message = z.infer<typeof Message>;

export const PostMessageBody = z.strictObject({
  body: z.string().trim().min(1).max(LIMITS.messageBodyMax),
  clientId: z.string().min(1).max(LIMITS.clientIdMax),
  /** Ask every recipient to acknowledge it (the channel's `requireAck` ability). */
  ackRequired: z.boolean().optional(),
});
export type PostMessageBody = z.infer<typeof PostMessageBody>;

const Seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const HistoryQuery = z
  .strictObject({
    before: Seq.optional().meta({
      description: "The newest `limit` messages with a smaller `seq`. Not together with `after`.",
    }),
    after: Seq.optional().meta({
      description: "The oldest `limit` messages with a greater `seq`. Not together with `before`.",
    }),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(LIMITS.historyPageMax)
      .default(50)
      .meta({ description: "Page size." }),
  })
  .refine((q) => q.before === undefined || q.after === undefined, {
    message: "give before or after, not both",
  });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const History = z.object({ messages: z.array(Message), hasMore: z.boolean() });
export type History = z.infer<typeof History>;

// ---------------------------------------------------------------- errors

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
