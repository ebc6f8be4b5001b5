import { randomUUID } from "node:crypto";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Dialect } from "../db/database.js";
import { isUniqueViolation } from "../db/errors.js";
import type { DB, MessageRow, RecordingsTable } from "../db/schema.js";

export interface NewChannelMessage {
  senderId: string;
  kind: MessageRow["kind"];
  body?: string | null;
  clientId?: string | null;
  /** Stored in the same transaction as the message it belongs to. */
  recording?: Omit<RecordingsTable, "channel_id" | "sender_id" | "created_at">;
  /** A recording already stored (with its first message): one transmission heard on several
   *  channels is one recording referenced by a message in each. */
  recordingId?: string;
  /** Asks these users (the channel's members but the sender) to acknowledge it: stored with it. */
  ackRecipients?: readonly string[];
}

/** Recipient rows per statement (well within SQLite's bound on parameters). */
const ACK_ROWS_PER_INSERT = 500;

/** The channel was deleted between the caller's access check and the write. */
export class ChannelGoneError extends Error {
  constructor(readonly channelId: string) {
    super(`channel ${channelId} no longer exists`);
    this.name = "ChannelGoneError";
  }
}

export interface AppendResult {
  message: MessageRow;
  created: boolean;
}

interface PendingAppend {
  m: NewChannelMessage;
  resolve(r: AppendResult): void;
  reject(err: unknown): void;
}

/** The most messages one transaction stores (a few hundred KB of SQL at most). */
export const MAX_APPEND_BATCH = 64;

/**
 * Channel history. Every message gets the next `seq` of its channel inside the transaction that
 * stores it: bumping `channels.last_seq` takes the channel's row lock, so concurrent writers queue
 * up and a rolled-back insert gives its seq back — no gaps, no repeats.
 *
 * Writes to one channel therefore serialise on that lock, and a busy channel is bound by how long
 * each transaction holds it. Two things keep that short. The bump returns the new seq itself
 * (MySQL `LAST_INSERT_ID(expr)` comes back in the OK packet; SQLite `RETURNING`), so the lock is
 * held for three round trips: bump, insert, commit. And appends to one channel group-commit on
 * this instance: while one transaction is in flight, the next appends wait and then go together
 * (up to MAX_APPEND_BATCH in one bump of `last_seq` by k and one multi-row insert), so the first
 * post of a quiet channel goes at once and a busy channel pays the lock once per batch.
 */
export class MessagesRepo {
  /** Per channel with a transaction in flight: the appends waiting for it. */
  private readonly waiting = new Map<string, PendingAppend[]>();
  /** Transactions run, for tests and benchmarks. */
  readonly stats = { transactions: 0 };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /** Appends a message; with a `clientId` already used by this sender here, returns that one
   *  (the unique index on (channel, sender, clientId) decides a race, and the loser's seq is rolled
   *  back). Throws ChannelGoneError when the channel no longer exists. */
  append(channelId: string, m: NewChannelMessage): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      const queue = this.waiting.get(channelId);
      if (queue) {
        queue.push({ m, resolve, reject });
        return;
      }
      this.waiting.set(channelId, []);
      void this.drain(channelId, [{ m, resolve, reject }]);
    });
  }

  /** Commits `batch`, then whatever queued up meanwhile, until the channel's queue is empty. */
  private async drain(channelId: string, batch: PendingAppend[]): Promise<void> {
    for (;;) {
      await this.commit(channelId, batch);
      const queue = this.waiting.get(channelId)!;
      if (queue.length === 0) {
        this.waiting.delete(channelId);
        return;
      }
      batch = queue.splice(0, MAX_APPEND_BATCH);
    }
  }

  /** Stores a batch and settles each of its appends; never throws. */
  private async commit(channelId: string, batch: PendingAppend[]): Promise<void> {
    try {
      const rows = await this.store(channelId, batch);
      for (const [i, p] of batch.entries()) p.resolve({ message: rows[i]!, created: true });
    } catch (err) {
      if (!isUniqueViolation(err)) {
        for (const p of batch) p.reject(err);
      } else if (batch.length > 1) {
        // One of them repeats a clientId: store them one by one, so each gets its own answer.
        for (const p of batch) await this.commit(channelId, [p]);
      } else {
        // A retry racing its first attempt: answer with the message that won.
        const p = batch[0]!;
        const existing = p.m.clientId
          ? await this.byClientId(this.db, channelId, p.m.senderId, p.m.clientId).catch(() => undefined)
          : undefined;
        if (existing) p.resolve({ message: normalise(existing), created: false });
        else p.reject(err);
      }
    }
  }

  private store(channelId: string, batch: readonly PendingAppend[]): Promise<MessageRow[]> {
    this.stats.transactions++;
    return this.db.transaction().execute(async (trx) => {
      const last = await this.bumpSeq(trx, channelId, batch.length);
      if (last === undefined) throw new ChannelGoneError(channelId);
      const now = Date.now();
      const recordings = batch.flatMap(({ m }) =>
        m.recording
          ? [{ ...m.recording, channel_id: channelId, sender_id: m.senderId, created_at: now }]
          : [],
      );
      if (recordings.length > 0) await trx.insertInto("recordings").values(recordings).execute();
      const first = last - batch.length + 1;
      const rows = batch.map(
        ({ m }, i): MessageRow => ({
          id: randomUUID(),
          channel_id: channelId,
          seq: first + i,
          sender_id: m.senderId,
          kind: m.kind,
          body: m.body ?? null,
          recording_id: m.recording?.id ?? m.recordingId ?? null,
          client_id: m.clientId ?? null,
          created_at: now,
          ack_required: m.ackRecipients ? 1 : 0,
        }),
      );
      await trx.insertInto("messages").values(rows).execute();
      const recipients = batch.flatMap(({ m }, i) =>
        (m.ackRecipients ?? []).map((user_id) => ({ message_id: rows[i]!.id, user_id, acked_at: null })),
      );
      for (let i = 0; i < recipients.length; i += ACK_ROWS_PER_INSERT)
        await trx
          .insertInto("message_acks")
          .values(recipients.slice(i, i + ACK_ROWS_PER_INSERT))
          .execute();
      return rows;
    });
  }

  /** Adds `n` to the channel's `last_seq` under its row lock and returns the new value, in one
   *  statement; undefined when the channel is gone. */
  private async bumpSeq(trx: Transaction<DB>, channelId: string, n: number): Promise<number | undefined> {
    if (this.dialect === "mysql") {
      const r =
        await sql`update channels set last_seq = last_insert_id(last_seq + ${n}) where id = ${channelId}`.execute(
          trx,
        );
      return r.numAffectedRows ? Number(r.insertId) : undefined;
    }
    const row = await trx
      .updateTable("channels")
      .set((eb) => ({ last_seq: eb("last_seq", "+", n) }))
      .where("id", "=", channelId)
      .returning("last_seq")
      .executeTakeFirst();
    return row ? Number(row.last_seq) : undefined;
  }

  /** The message this sender already posted here with this idempotency key, if any. */
  findByClientId(channelId: string, senderId: string, clientId: string): Promise<MessageRow | undefined> {
    return this.byClientId(this.db, channelId, senderId, clientId);
  }

  private byClientId(db: Kysely<DB>, channelId: string, senderId: string, clientId: string) {
    return db
      .selectFrom("messages")
      .selectAll()
      .where("channel_id", "=", channelId)
      .where("sender_id", "=", senderId)
      .where("client_id", "=", clientId)
      .executeTakeFirst();
  }

  /**
   * A page of history in ascending seq: the newest `limit` (or those before `before`), or the
   * oldest `limit` after `after`. `hasMore` says whether more lie beyond the page in that direction.
   */
  async page(
    channelId: string,
    q: { before?: number; after?: number; limit: number },
  ): Promise<{ rows: MessageRow[]; hasMore: boolean }> {
    let query = this.db.selectFrom("messages").selectAll().where("channel_id", "=", channelId);
    if (q.after !== undefined) {
      query = query.where("seq", ">", q.after).orderBy("seq", "asc");
    } else {
      if (q.before !== undefined) query = query.where("seq", "<", q.before);
      query = query.orderBy("seq", "desc");
    }
    const rows = await query.limit(q.limit + 1).execute();
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit).map(normalise);
    if (q.after === undefined) page.reverse();
    return { rows: page, hasMore };
  }
}

/** MySQL may return BIGINT columns as strings when large; our seqs and times are numbers. */
function normalise(r: MessageRow): MessageRow {
  return { ...r, seq: Number(r.seq), created_at: Number(r.created_at), ack_required: Number(r.ack_required) };
}
