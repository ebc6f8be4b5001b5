/**
 * Messages that must be acknowledged: who is asked (the channel's members but the sender, when it
 * is posted), waking those who are away, recording an acknowledgement once, and the list of who
 * did and who has not.
 */
import type { Message, MessageAckReceipt, MessageAcks } from "@won/protocol";
import type { Core } from "../core.js";
import type { ChannelRow } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import { type Decision, mayAckMessage, mayReadAcks } from "../domain/policy.js";
import { presentUser } from "../presenters/index.js";
import { channelAccess } from "./access.js";

/** A refusal of the policy module as the transport-neutral error. */
export function enforce(d: Decision): void {
  if (!d.ok) throw new AppError(d.code, d.message);
}

/** The users asked to acknowledge a message `senderId` posts now: every other member. */
export async function ackRecipientsOf(
  ctx: Pick<Core, "repos">,
  channel: ChannelRow,
  senderId: string,
): Promise<string[]> {
  const members = await ctx.repos.channels.members(channel);
  return members.map((m) => m.user_id).filter((id) => id !== senderId);
}

/** The longest excerpt of the message a notification shows. */
const PUSH_BODY_MAX = 140;

/** Wakes the recipients who have no page of the app in view (push/notifier.ts decides who). */
export function pushAckRequired(
  ctx: Pick<Core, "push">,
  message: Message,
  channel: ChannelRow,
  recipients: readonly string[],
): void {
  const body = message.body ?? "";
  ctx.push.notify(recipients, {
    type: "message.ack_required",
    title: `${message.sender.displayName} asks you to acknowledge`,
    body: body.length > PUSH_BODY_MAX ? `${body.slice(0, PUSH_BODY_MAX - 1)}…` : body,
    url: `/channels/${channel.id}`,
    tag: `ack-${message.id}`,
    channelId: channel.id,
    ...(channel.event_id ? { eventId: channel.event_id } : {}),
  });
}

/** The message and the caller's access to its channel; 404 for a message that does not exist. */
async function messageAccess(ctx: Pick<Core, "repos">, messageId: string, userId: string) {
  const message = await ctx.repos.messageAcks.findMessage(messageId);
  if (!message) throw new AppError("not_found", "No such message");
  const { access } = await channelAccess(ctx, message.channel_id, userId);
  const standing = { senderId: message.sender_id, ackRequired: Boolean(Number(message.ack_required)) };
  return { message, access, standing };
}

/**
 * Acknowledges a message for the caller. Idempotent: a repeat answers the first acknowledgement
 * and publishes nothing; a new one publishes `message.acked` with the acks so far, after the write.
 */
export async function ackMessage(
  ctx: Pick<Core, "repos" | "live">,
  userId: string,
  messageId: string,
): Promise<MessageAckReceipt> {
  const { message, standing } = await messageAccess(ctx, messageId, userId);
  enforce(mayAckMessage(userId, standing));
  const { at, created } = await ctx.repos.messageAcks.ack(messageId, userId, Date.now());
  if (created) {
    const count = (await ctx.repos.messageAcks.tallies([messageId])).get(messageId)?.count ?? 1;
    await ctx.live.messageAcked({ channelId: message.channel_id, messageId, userId, count });
  }
  return { messageId, userId, at: new Date(at).toISOString() };
}

/** Who acknowledged a message (oldest first) and who has not: for its sender and channel staff. */
export async function listMessageAcks(
  ctx: Pick<Core, "repos">,
  userId: string,
  messageId: string,
): Promise<MessageAcks> {
  const { access, standing } = await messageAccess(ctx, messageId, userId);
  enforce(mayReadAcks(userId, access, standing));
  const rows = await ctx.repos.messageAcks.recipients(messageId);
  const users = new Map((await ctx.repos.users.findMany(rows.map((r) => r.userId))).map((u) => [u.id, u]));
  const result: MessageAcks = { acked: [], pending: [] };
  for (const r of rows) {
    const user = users.get(r.userId);
    if (!user) continue; // an account deleted meanwhile
    if (r.ackedAt === null) result.pending.push(presentUser(user));
    else result.acked.push({ user: presentUser(user), at: new Date(r.ackedAt).toISOString() });
  }
  return result;
}
