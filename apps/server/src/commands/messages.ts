import type { History, HistoryQuery, Message, PostMessageBody } from "@won/protocol";
import type { AppContext } from "../context.js";
import type { MessageRow } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import { presentMessage } from "../presenters/index.js";
import { ChannelGoneError } from "../repositories/messages.js";
import { channelAccess } from "./access.js";
import { enforceRate } from "./rate-limit.js";

/** Turns rows into contract messages, loading senders and recordings in two queries. */
export async function presentMessages(ctx: AppContext, rows: readonly MessageRow[]): Promise<Message[]> {
  const [users, recordings] = await Promise.all([
    ctx.repos.users.findMany(rows.map((r) => r.sender_id)),
    ctx.repos.recordings.metas(rows.flatMap((r) => (r.recording_id ? [r.recording_id] : []))),
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const recById = new Map(recordings.map((r) => [r.id, r]));
  return rows.flatMap((r) => {
    const sender = userById.get(r.sender_id);
    if (!sender) return [];
    return [presentMessage(r, sender, r.recording_id ? recById.get(r.recording_id) : undefined)];
  });
}

/**
 * Posts a text message. Idempotent on (sender, clientId): a retry after a lost response returns
 * the first message and does not publish it again. Published only after the commit.
 *
 * Posts to one channel serialise on its row lock, so the reads that need no lock (access, the
 * earlier post with this clientId, the sender to present) run side by side before it, and the
 * new message is presented from them rather than read back: 2–3 statements (the sender's profile
 * is usually cached), then the append.
 */
export async function postMessage(
  ctx: AppContext,
  userId: string,
  channelId: string,
  body: PostMessageBody,
): Promise<{ message: Message; created: boolean }> {
  const [, earlier, sender] = await Promise.all([
    channelAccess(ctx, channelId, userId),
    ctx.repos.messages.findByClientId(channelId, userId, body.clientId),
    ctx.repos.users.profile(userId),
  ]);
  if (!sender) throw new AppError("invalid_token", "This account no longer exists");
  // A retry of an accepted message is answered without counting against the rate limit.
  if (earlier) return { message: presentMessage(earlier, sender), created: false };
  await enforceRate(ctx, `messages:user:${userId}`, ctx.config.rates.messagesPerUser, "messages");
  const { message: row, created } = await ctx.repos.messages
    .append(channelId, { senderId: userId, kind: "text", body: body.body, clientId: body.clientId })
    .catch((err: unknown) => {
      // Deleted while we were posting: as if it had been gone before.
      if (err instanceof ChannelGoneError) throw new AppError("not_found", "No such channel");
      throw err;
    });
  // `row` is the winner's message when a concurrent retry with this clientId got there first:
  // the same sender either way.
  const message = presentMessage(row, sender);
  if (created) await ctx.live.messageCreated(message);
  return { message, created };
}

export async function channelHistory(
  ctx: AppContext,
  userId: string,
  channelId: string,
  q: HistoryQuery,
): Promise<History> {
  await channelAccess(ctx, channelId, userId);
  await enforceRate(ctx, `history:user:${userId}`, ctx.config.rates.historyPerUser, "history reads");
  const { rows, hasMore } = await ctx.repos.messages.page(channelId, q);
  return { messages: await presentMessages(ctx, rows), hasMore };
}
