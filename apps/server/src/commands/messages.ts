import { randomUUID } from "node:crypto";
import type { History, HistoryQuery, Message, PostMessageBody } from "@won/protocol";
import type { Core } from "../core.js";
import type { MessageRow } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import { mayRequireAck } from "../domain/policy.js";
import { presentMessage } from "../presenters/index.js";
import { ChannelGoneError } from "../repositories/messages.js";
import { channelAccess } from "./access.js";
import { ackRecipientsOf, enforce, pushAckRequired } from "./message-acks.js";
import { enforceRate } from "./rate-limit.js";
import { recordingStored } from "./storage-quota.js";

/**
 * Turns rows into contract messages, loading senders, recordings and acknowledgements (with
 * `byMe` for `readerId`, when the answer is for one reader) side by side.
 */
export async function presentMessages(
  ctx: Pick<Core, "repos">,
  rows: readonly MessageRow[],
  readerId?: string,
): Promise<Message[]> {
  const asking = rows.flatMap((r) => (Number(r.ack_required) ? [r.id] : []));
  const [users, recordings, tallies, mine] = await Promise.all([
    ctx.repos.users.findMany(rows.map((r) => r.sender_id)),
    ctx.repos.recordings.metas(rows.flatMap((r) => (r.recording_id ? [r.recording_id] : []))),
    ctx.repos.messageAcks.tallies(asking),
    readerId ? ctx.repos.messageAcks.ackedBy(readerId, asking) : undefined,
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const recById = new Map(recordings.map((r) => [r.id, r]));
  return rows.flatMap((r) => {
    const sender = userById.get(r.sender_id);
    if (!sender) return [];
    const recording = r.recording_id ? recById.get(r.recording_id) : undefined;
    const tally = tallies.get(r.id) ?? { count: 0, total: 0 };
    const ack = mine ? { ...tally, byMe: mine.has(r.id) } : tally;
    return [presentMessage(r, sender, recording, ack)];
  });
}

/** What a new message is: text (with the sender's idempotency key) or a stored transmission. */
export type NewMessage = { channelId: string; senderId: string } & (
  | {
      kind: "text";
      body: string;
      clientId?: string;
      /** Asks these users to acknowledge it; they are stored with it. */
      ackRecipients?: readonly string[];
    }
  | {
      kind: "audio";
      /** The Ogg Opus file, stored in the same transaction as its message. */
      recording: { streamId: number; durationMs: number; data: Buffer };
      clientId?: string;
    }
);

/** Storing, presenting and announcing a message. */
export type AppendDeps = Pick<Core, "repos" | "live">;

/**
 * Appends a message to a channel's history and, once it is committed, publishes
 * `message.created` — the one place that does, for text posts and recorded transmissions alike.
 * Callers authorise first. With a `clientId` this sender already used in the channel, nothing is
 * stored or published and the first message is returned with `created: false`. An audio
 * message's bytes count towards the sender's and the event's stored-recording usage on this
 * instance at once (`recordingStored`). Throws 404 `not_found` when the channel was deleted
 * meanwhile.
 *
 * `{ announce: "later" }` leaves the publishing to the caller through the returned `announce()`
 * (still this function's code, after the commit): a finished transmission is announced by
 * `speaker.stopped` first, then its `message.created`, so a listener never takes the message of
 * what it just heard live for a missed one.
 */
export async function appendMessage(
  ctx: AppendDeps,
  m: NewMessage,
  options: { announce?: "now" | "later" } = {},
): Promise<AppendedMessage> {
  const recording =
    m.kind === "audio"
      ? {
          id: randomUUID(),
          stream_id: m.recording.streamId,
          duration_ms: m.recording.durationMs,
          size_bytes: m.recording.data.length,
          data: m.recording.data,
        }
      : undefined;
  const { message: row, created } = await ctx.repos.messages
    .append(m.channelId, {
      senderId: m.senderId,
      kind: m.kind,
      body: m.kind === "text" ? m.body : null,
      clientId: m.clientId ?? null,
      ...(recording ? { recording } : {}),
      ...(m.kind === "text" && m.ackRecipients ? { ackRecipients: m.ackRecipients } : {}),
    })
    .catch((err: unknown) => {
      // Deleted while we were posting: as if it had been gone before.
      if (err instanceof ChannelGoneError) throw new AppError("not_found", "No such channel");
      throw err;
    });
  if (recording && created)
    recordingStored(ctx, { userId: m.senderId, channelId: m.channelId, bytes: recording.size_bytes });
  // The sender's profile is cached (postMessage has just read it); the new recording is the one
  // stored above. `row` is the earlier message when this clientId was taken: read it back whole.
  const sender = created ? await ctx.repos.users.profile(m.senderId) : undefined;
  const ack = m.kind === "text" && m.ackRecipients ? { count: 0, total: m.ackRecipients.length } : undefined;
  const message = sender
    ? presentMessage(row, sender, recording, ack)
    : (await presentMessages(ctx, [row]))[0];
  if (!message) throw new AppError("invalid_token", "This account no longer exists");
  const announce = created ? () => ctx.live.messageCreated(message) : async () => undefined;
  if (options.announce !== "later") await announce();
  return { message, created, announce };
}

/**
 * An audio message in `channelId` referencing a recording stored with another channel's message
 * (a transmission heard on several channels): the recording is stored and counted once. Announced
 * like {@link appendMessage} with `announce: "later"`.
 */
export async function appendRecordingReference(
  ctx: AppendDeps,
  channelId: string,
  senderId: string,
  recording: { id: string; duration_ms: number },
): Promise<AppendedMessage> {
  const { message: row } = await ctx.repos.messages
    .append(channelId, { senderId, kind: "audio", recordingId: recording.id })
    .catch((err: unknown) => {
      if (err instanceof ChannelGoneError) throw new AppError("not_found", "No such channel");
      throw err;
    });
  const sender = await ctx.repos.users.profile(senderId);
  if (!sender) throw new AppError("invalid_token", "This account no longer exists");
  const message = presentMessage(row, sender, recording);
  return { message, created: true, announce: () => ctx.live.messageCreated(message) };
}

export interface AppendedMessage {
  message: Message;
  created: boolean;
  /** Publishes `message.created` (once it is called; already done unless `announce: "later"`). */
  announce(): Promise<void>;
}

/** Posting text: access, the sender, the per-user message rate, then {@link appendMessage}. */
export type MessageDeps = Pick<Core, "repos" | "live" | "engines" | "config" | "push">;

/**
 * Posts a text message. Idempotent on (sender, clientId): a retry after a lost response returns
 * the first message and does not publish it again. Published only after the commit.
 *
 * Posts to one channel serialise on its row lock, so the reads that need no lock (access, the
 * earlier post with this clientId, the sender) run side by side before it, and the new message is
 * presented from them rather than read back: 2–3 statements (the sender's profile is usually
 * cached), then the append.
 */
export async function postMessage(
  ctx: MessageDeps,
  userId: string,
  channelId: string,
  body: PostMessageBody,
): Promise<{ message: Message; created: boolean }> {
  const [{ channel, access }, earlier, sender] = await Promise.all([
    channelAccess(ctx, channelId, userId),
    ctx.repos.messages.findByClientId(channelId, userId, body.clientId),
    ctx.repos.users.profile(userId),
  ]);
  if (!sender) throw new AppError("invalid_token", "This account no longer exists");
  if (body.ackRequired) enforce(mayRequireAck(access));
  // A retry of an accepted message is answered without counting against the rate limit.
  if (earlier) {
    const message = Number(earlier.ack_required)
      ? (await presentMessages(ctx, [earlier]))[0]!
      : presentMessage(earlier, sender);
    return { message, created: false };
  }
  await enforceRate(ctx, `messages:user:${userId}`, ctx.config.rates.messagesPerUser, "messages");
  const ackRecipients = body.ackRequired ? await ackRecipientsOf(ctx, channel, userId) : undefined;
  const posted = await appendMessage(ctx, {
    channelId,
    senderId: userId,
    kind: "text",
    body: body.body,
    clientId: body.clientId,
    ...(ackRecipients ? { ackRecipients } : {}),
  });
  if (ackRecipients && posted.created) pushAckRequired(ctx, posted.message, channel, ackRecipients);
  return posted;
}

/** A page of history, for members, within the per-user history rate. */
export async function channelHistory(
  ctx: Pick<Core, "repos" | "engines" | "config">,
  userId: string,
  channelId: string,
  q: HistoryQuery,
): Promise<History> {
  await channelAccess(ctx, channelId, userId);
  await enforceRate(ctx, `history:user:${userId}`, ctx.config.rates.historyPerUser, "history reads");
  const { rows, hasMore } = await ctx.repos.messages.page(channelId, q);
  return { messages: await presentMessages(ctx, rows, userId), hasMore };
}
