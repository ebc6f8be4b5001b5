/**
 * WebSocket messages of the wire contract (`GET /api/v1/realtime`). Text frames carry one JSON object
 * with a `type`; binary frames carry audio (see frame.ts).
 */
import { z } from "zod";
import { Alert } from "./alerts.js";
import { Channel, ChannelAbilities, ChannelRole, Id, Message, Speaker, User } from "./rest.js";
import { Patch } from "./targeted.js";

const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

// ---------------------------------------------------------------- client → server

export const AuthMsg = z.strictObject({ type: z.literal("auth"), token: z.string().min(1).max(4096) });
export const SubscribeMsg = z.strictObject({
  type: z.literal("subscribe"),
  channelId: Id,
  sinceSeq: Seq.optional(),
});
export const UnsubscribeMsg = z.strictObject({ type: z.literal("unsubscribe"), channelId: Id });
export const PttStartMsg = z.strictObject({
  type: z.literal("ptt.start"),
  channelId: Id,
  priority: z.boolean().optional(),
  /** A hot mic: the raiser of an open alert speaks, pre-empting anyone (needs `alertId`). */
  emergency: z.literal(true).optional(),
  alertId: Id.optional(),
  /** All-call: an organiser of the channel's event talks on every channel of the event. */
  scope: z.literal("event").optional(),
});
export const PttStopMsg = z.strictObject({ type: z.literal("ptt.stop"), channelId: Id });
/** Whether the app is in view (Page Visibility): a user whose sockets are all hidden is pushed. */
export const ClientStateMsg = z.strictObject({ type: z.literal("client.state"), visible: z.boolean() });
/**
 * A listener says a live stream reaches it late (`lateMs` of queueing, as its playout measured):
 * its downlink cannot carry the stream. The speaker is told (`ptt.congested`) and may send
 * cheaper audio.
 */
export const AudioLateMsg = z.strictObject({
  type: z.literal("audio.late"),
  channelId: Id,
  streamId: z.number().int().min(0).max(0xffff_ffff),
  lateMs: z.number().int().min(0).max(60_000),
});
export const PingMsg = z.strictObject({ type: z.literal("ping") });
export const PongMsg = z.strictObject({ type: z.literal("pong") });

export const ClientMessage = z.discriminatedUnion("type", [
  AuthMsg,
  SubscribeMsg,
  UnsubscribeMsg,
  PttStartMsg,
  PttStopMsg,
  ClientStateMsg,
  AudioLateMsg,
  PingMsg,
  PongMsg,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage["type"];
export const CLIENT_MESSAGE_TYPES = ClientMessage.options.map((o) => o.shape.type.value);

// ---------------------------------------------------------------- server → client

export const StopReason = z.enum(["released", "timeout", "disconnected", "preempted", "revoked"]);
export type StopReason = z.infer<typeof StopReason>;
/** `quota_exceeded` (an addition): the speaker's or the event's stored recordings are over quota. */
export const DenyReason = z.enum(["busy", "forbidden", "not_subscribed", "quota_exceeded"]);
export type DenyReason = z.infer<typeof DenyReason>;

export const ServerMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    sessionId: z.string(),
    user: User,
    heartbeatMs: z.number().int(),
    /** Every alert not closed that the user may see, so a reconnect never misses one. */
    openAlerts: z.array(Alert),
  }),
  z.object({
    type: z.literal("subscribed"),
    channelId: Id,
    lastSeq: z.number().int(),
    presence: z.array(User),
    speaker: Speaker.nullable(),
  }),
  z.object({ type: z.literal("unsubscribed"), channelId: Id }),
  z.object({ type: z.literal("resync.truncated"), channelId: Id }),
  z.object({
    type: z.literal("ptt.granted"),
    channelId: Id,
    streamId: z.number().int(),
    maxDurationMs: z.number().int(),
  }),
  z.object({
    type: z.literal("ptt.denied"),
    channelId: Id,
    reason: DenyReason,
    speaker: z.object({ user: User, streamId: z.number().int(), since: z.string() }).optional(),
  }),
  z.object({ type: z.literal("ptt.stopped"), channelId: Id, streamId: z.number().int() }),
  /** To the speaker: a listener of `streamId` reported it late by `lateMs` (at most once a second). */
  z.object({
    type: z.literal("ptt.congested"),
    channelId: Id,
    streamId: z.number().int(),
    lateMs: z.number().int(),
  }),
  z.object({
    type: z.literal("speaker.started"),
    channelId: Id,
    streamId: z.number().int(),
    user: User,
    priority: z.boolean(),
    /** A hot mic of the alert `alertId`. */
    emergency: z.literal(true).optional(),
    alertId: Id.optional(),
    /** An all-call of the event `eventId`; `channelId` is the channel it was started from. */
    scope: z.literal("event").optional(),
    eventId: Id.optional(),
    /** A transmission on a patched channel, heard on every channel of the patch. */
    patchId: Id.optional(),
    /** Every channel whose floor this transmission holds (all-calls and patches). */
    channelIds: z.array(Id).optional(),
  }),
  z.object({
    type: z.literal("speaker.stopped"),
    channelId: Id,
    streamId: z.number().int(),
    userId: Id,
    reason: StopReason,
    message: Message.optional(),
    /** As on its `speaker.started`: every channel whose floor the transmission held. */
    channelIds: z.array(Id).optional(),
  }),
  z.object({ type: z.literal("message.created"), channelId: Id, message: Message }),
  /** Someone acknowledged a message; `count` is its acks so far (they only grow). */
  z.object({
    type: z.literal("message.acked"),
    channelId: Id,
    messageId: Id,
    userId: Id,
    count: z.number().int().min(0),
  }),
  z.object({ type: z.literal("presence.joined"), channelId: Id, user: User }),
  z.object({ type: z.literal("presence.left"), channelId: Id, userId: Id }),
  z.object({
    type: z.literal("channel.updated"),
    channel: Channel.omit({ myRole: true, canSpeak: true, inviteCode: true, abilities: true }),
  }),
  z.object({ type: z.literal("channel.deleted"), channelId: Id }),
  z.object({ type: z.literal("access.revoked"), channelId: Id }),
  /** Added to the contract: your own role or speak permission in the channel changed. */
  z.object({
    type: z.literal("access.changed"),
    channelId: Id,
    myRole: ChannelRole,
    canSpeak: z.boolean(),
    abilities: ChannelAbilities,
  }),
  /** Per-user delivery to the event's organisers and moderators and to the raiser. */
  z.object({ type: z.literal("alert.raised"), alert: Alert }),
  z.object({ type: z.literal("alert.updated"), alert: Alert }),
  /** To the subscribers of the patched channels. */
  z.object({ type: z.literal("patch.created"), patch: Patch }),
  /** A patch lost a channel (deleted) but still joins two or more. */
  z.object({ type: z.literal("patch.updated"), patch: Patch }),
  z.object({
    type: z.literal("patch.deleted"),
    patchId: Id,
    eventId: Id,
    /** The channels it joined (those still there). */
    channelIds: z.array(Id).optional(),
  }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string(), ref: z.string().optional() }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("pong") }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerMessageOf<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;
