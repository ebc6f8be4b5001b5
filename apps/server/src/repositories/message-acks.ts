import { type Kysely, sql } from "kysely";
import type { Dialect } from "../db/database.js";
import type { DB, MessageRow } from "../db/schema.js";

/** One recipient's row: null `ackedAt` while they have not acknowledged. */
export interface AckRow {
  userId: string;
  ackedAt: number | null;
}

/** Acks so far of how many recipients, per message. */
export interface AckTally {
  count: number;
  total: number;
}

/**
 * Acknowledgements of messages that ask for them. A message's recipients are stored with it (see
 * MessagesRepo.append); acknowledging sets a recipient's `acked_at` once, so the first
 * acknowledgement stands and a repeat changes nothing. A member who joined after the message was
 * posted gets a row when they acknowledge it (and so counts in its `total` from then on).
 */
export class MessageAcksRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  async findMessage(messageId: string): Promise<MessageRow | undefined> {
    const row = await this.db
      .selectFrom("messages")
      .selectAll()
      .where("id", "=", messageId)
      .executeTakeFirst();
    return row && { ...row, seq: Number(row.seq), created_at: Number(row.created_at) };
  }

  /**
   * Records `userId`'s acknowledgement at `at` unless they already acknowledged; returns the
   * acknowledgement that stands and whether it is this one.
   */
  async ack(messageId: string, userId: string, at: number): Promise<{ at: number; created: boolean }> {
    const updated = await this.db
      .updateTable("message_acks")
      .set({ acked_at: at })
      .where("message_id", "=", messageId)
      .where("user_id", "=", userId)
      .where("acked_at", "is", null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return { at, created: true };
    // Not a pending recipient: acknowledged before, or joined the channel after the message.
    const insert = this.db
      .insertInto("message_acks")
      .values({ message_id: messageId, user_id: userId, acked_at: at });
    const inserted = await (this.dialect === "mysql"
      ? insert.ignore()
      : insert.onConflict((oc) => oc.doNothing())
    ).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { at, created: true };
    const row = await this.db
      .selectFrom("message_acks")
      .select("acked_at")
      .where("message_id", "=", messageId)
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    // A row with no `acked_at` here was inserted by nobody (recipients are stored with the
    // message), so it holds a time: the first acknowledgement.
    return { at: Number(row.acked_at ?? at), created: false };
  }

  /** Acks so far and recipients of each of these messages (those with no recipients: absent). */
  async tallies(messageIds: readonly string[]): Promise<Map<string, AckTally>> {
    if (!messageIds.length) return new Map();
    const rows = await this.db
      .selectFrom("message_acks")
      .select((eb) => [
        "message_id",
        eb.fn.countAll<number | string>().as("total"),
        eb.fn.count<number | string>("acked_at").as("count"),
      ])
      .where("message_id", "in", messageIds)
      .groupBy("message_id")
      .execute();
    return new Map(rows.map((r) => [r.message_id, { count: Number(r.count), total: Number(r.total) }]));
  }

  /** Which of these messages `userId` acknowledged. */
  async ackedBy(userId: string, messageIds: readonly string[]): Promise<Set<string>> {
    if (!messageIds.length) return new Set();
    const rows = await this.db
      .selectFrom("message_acks")
      .select("message_id")
      .where("user_id", "=", userId)
      .where("message_id", "in", messageIds)
      .where("acked_at", "is not", null)
      .execute();
    return new Set(rows.map((r) => r.message_id));
  }

  /** Every recipient of a message, acknowledged first (oldest first), then the pending ones. */
  async recipients(messageId: string): Promise<AckRow[]> {
    const rows = await this.db
      .selectFrom("message_acks")
      .select(["user_id", "acked_at"])
      .where("message_id", "=", messageId)
      .orderBy(sql`acked_at is null`)
      .orderBy("acked_at")
      .orderBy("user_id")
      .execute();
    return rows.map((r) => ({ userId: r.user_id, ackedAt: r.acked_at === null ? null : Number(r.acked_at) }));
  }
}
