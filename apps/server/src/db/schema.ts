/**
 * Table types for Kysely. Times are milliseconds since the epoch (BIGINT) and booleans are 0/1
 * integers, so SQLite and MySQL share one code path; presenters turn them into ISO strings.
 */
import type { Generated, Insertable, Selectable } from "kysely";

export interface UsersTable {
  id: string;
  /** Lower-cased: usernames are unique regardless of case. */
  username: string;
  /** Lower-cased. */
  email: string;
  password_hash: string;
  display_name: string;
  created_at: number;
}

/** One login: a refresh-token family (RFC 9700 §4.14.2). Its id is the `sid` of access tokens. */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface RefreshTokensTable {
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  session_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface EventsTable {
  id: string;
  name: string;
  description: string;
  starts_at: number | null;
  ends_at: number | null;
  invite_code: string;
  created_by: string;
  created_at: number;
}

export interface EventMembersTable {
  event_id: string;
  user_id: string;
  role: "organiser" | "moderator" | "participant";
  joined_at: number;
}

export interface ChannelsTable {
  id: string;
  event_id: string | null;
  name: string;
  description: string;
  invite_code: string;
  /** `direct`: a private channel of two users (migration 008); never joined by code. */
  kind: Generated<"group" | "direct">;
  /** Direct channels: the two user ids, ascending, joined by `:` (unique); null otherwise. */
  direct_key: Generated<string | null>;
  /** Highest message seq assigned in this channel; 0 when it has none. */
  last_seq: Generated<number>;
  created_by: string;
  created_at: number;
}

/**
 * A membership of one's own: every member of a standalone channel, and people who joined an
 * event channel with its channel code. For an event member, `role` holds only what staff raised
 * above the role the event gives (`member` otherwise): it is never a copy of the derived role.
 */
export interface ChannelMembersTable {
  channel_id: string;
  user_id: string;
  role: "admin" | "moderator" | "member";
  joined_at: number;
}

/**
 * Listen-only restrictions, kept apart from memberships so that leaving and rejoining does not
 * lift one; only channel staff clear it.
 */
export interface ChannelRestrictionsTable {
  channel_id: string;
  user_id: string;
  created_by: string | null;
  created_at: number;
}

export interface MessagesTable {
  id: string;
  channel_id: string;
  seq: number;
  sender_id: string;
  kind: "text" | "audio" | "system";
  body: string | null;
  recording_id: string | null;
  client_id: string | null;
  created_at: number;
  /** 1: every recipient is asked to acknowledge it (their rows are in `message_acks`). */
  ack_required: Generated<number>;
}

/** A recipient of a message that must be acknowledged; `acked_at` is set once, when they do. */
export interface MessageAcksTable {
  message_id: string;
  user_id: string;
  acked_at: number | null;
}

export interface RecordingsTable {
  id: string;
  channel_id: string;
  sender_id: string;
  stream_id: number;
  duration_ms: number;
  size_bytes: number;
  /** The Ogg Opus file (RFC 7845). */
  data: Buffer;
  created_at: number;
}

export type AlertState = "open" | "claimed" | "closed";
export type AlertOutcome = "resolved" | "false_alarm";

/** An emergency alert (db/migrations/006-alerts.ts). Location columns are all set or all null. */
export interface AlertsTable {
  id: string;
  event_id: string;
  channel_id: string | null;
  raised_by: string;
  state: AlertState;
  outcome: AlertOutcome | null;
  note: string | null;
  lat: number | null;
  lon: number | null;
  accuracy_m: number | null;
  location_at: number | null;
  claimed_by: string | null;
  claimed_at: number | null;
  closed_by: string | null;
  closed_at: number | null;
  escalations: number;
  /** When the escalation job next re-announces the alert if it is still `open`. */
  next_escalation_at: number;
  created_at: number;
}

export type AlertAction =
  | "raised"
  | "delivered"
  | "received"
  | "claimed"
  | "taken_over"
  | "location"
  | "escalated"
  | "resolved"
  | "false_alarm"
  | "recording";

/** Append-only: what happened to an alert, when, by whom. `detail` is JSON or null. */
export interface AlertAuditTable {
  id: string;
  alert_id: string;
  at: number;
  actor_id: string | null;
  action: AlertAction;
  detail: string | null;
}

export interface AlertRecordingsTable {
  alert_id: string;
  recording_id: string;
}

export interface PushSubscriptionsTable {
  endpoint_hash: string;
  endpoint: string;
  user_id: string;
  session_id: string;
  p256dh: string;
  auth: string;
  created_at: number;
}

/** Channels of one event joined so that a transmission on one takes the floor of all. */
export interface PatchesTable {
  id: string;
  event_id: string;
  created_by: string;
  created_at: number;
}

/** A channel belongs to at most one patch (unique `channel_id`); `position` keeps their order. */
export interface PatchChannelsTable {
  patch_id: string;
  channel_id: string;
  position: number;
}

/** A one-time password reset code (db/migrations/010-password-reset-codes.ts); one per user. */
export interface PasswordResetCodesTable {
  user_id: string;
  /** SHA-256 (hex) of the code in its stored form (upper case, no separators). */
  code_hash: string;
  /** The organiser who issued it; redeeming re-checks that they still may. */
  issued_by: string;
  /** The event it was issued from. */
  event_id: string;
  expires_at: number;
  created_at: number;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  events: EventsTable;
  event_members: EventMembersTable;
  channels: ChannelsTable;
  channel_members: ChannelMembersTable;
  channel_restrictions: ChannelRestrictionsTable;
  messages: MessagesTable;
  message_acks: MessageAcksTable;
  recordings: RecordingsTable;
  alerts: AlertsTable;
  alert_audit: AlertAuditTable;
  alert_recordings: AlertRecordingsTable;
  push_subscriptions: PushSubscriptionsTable;
  patches: PatchesTable;
  patch_channels: PatchChannelsTable;
  password_reset_codes: PasswordResetCodesTable;
}

export type UserRow = Selectable<UsersTable>;
export type EventRow = Selectable<EventsTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type AlertRow = Selectable<AlertsTable>;
export type PasswordResetCodeRow = Selectable<PasswordResetCodesTable>;
