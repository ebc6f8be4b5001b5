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
}

/** The channel was deleted between the caller's access check and the write. */
export class ChannelGoneError extends Error {
  constructor(readonly channelId: string) {
    super(`channel ${channelId} no longer exists`);
    this.name = "ChannelGoneError";
  }
}

/**
 * Channel history. Every message gets the next `seq` of its channel inside the transaction that
 * stores it: bumping `channels.last_seq` takes the channel's row lock, so concurrent writers queue
 * up and a rolled-back insert gives its seq back — no gaps, no repeats. Posts to one channel
 * serialise on that lock, so the transaction holds it for as few round trips as it can: the bump
 * returns the new seq itself (MySQL `LAST_INSERT_ID(expr)` comes back in the OK packet; SQLite
 * `RETURNING`), then the insert, then the commit.
 */
export class MessagesRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /** Appends a message; with a `clientId` already used by this sender here, returns that one
   *  (the unique index on (channel, sender, clientId) decides a race, and the loser's seq is rolled
   *  back). Throws ChannelGoneError when the channel no longer exists. */
  async append(channelId: string, m: NewChannelMessage): Promise<{ message: MessageRow; created: boolean }> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const seq = await this.nextSeq(trx, channelId);
        if (seq === undefined) throw new ChannelGoneError(channelId);
        const now = Date.now();
        if (m.recording) {
          await trx
            .insertInto("recordings")
            .values({ ...m.recording, channel_id: channelId, sender_id: m.senderId, created_at: now })
            .execute();
        }
        const row: MessageRow = {
          id: randomUUID(),
          channel_id: channelId,
          seq,
          sender_id: m.senderId,
          kind: m.kind,
          body: m.body ?? null,
          recording_id: m.recording?.id ?? null,
          client_id: m.clientId ?? null,
          created_at: now,
        };
        await trx.insertInto("messages").values(row).execute();
        return { message: row, created: true };
      });
    } catch (err) {
      // Two concurrent posts with one clientId: the loser returns the winner's message.
      if (m.clientId && isUniqueViolation(err)) {
        const existing = await this.byClientId(this.db, channelId, m.senderId, m.clientId);
        if (existing) return { message: existing, created: false };
      }
      throw err;
    }
  }

  /** Bumps the channel's `last_seq` under its row lock and returns it, in one statement. */
  private async nextSeq(trx: Transaction<DB>, channelId: string): Promise<number | undefined> {
    if (this.dialect === "mysql") {
      const r =
        await sql`update channels set last_seq = last_insert_id(last_seq + 1) where id = ${channelId}`.execute(
          trx,
        );
      return r.numAffectedRows ? Number(r.insertId) : undefined;
    }
    const row = await trx
      .updateTable("channels")
      .set((eb) => ({ last_seq: eb("last_seq", "+", 1) }))
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
  return { ...r, seq: Number(r.seq), created_at: Number(r.created_at) };
}
