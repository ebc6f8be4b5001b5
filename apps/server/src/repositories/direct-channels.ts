import { type Kysely, sql } from "kysely";
import { isUniqueViolation } from "../db/errors.js";
import type { ChannelRow, DB } from "../db/schema.js";

/** The key of a direct channel: the pair's ids in ascending order, so both ends find it. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** The two users of a direct channel, from its key. */
export function directPair(key: string): [string, string] {
  const i = key.indexOf(":");
  return [key.slice(0, i), key.slice(i + 1)];
}

/**
 * Direct channels: a channel of `kind: "direct"` per pair of users, found by its unique
 * `direct_key`, with exactly the pair's two `channel_members` rows.
 */
export class DirectChannelsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** The direct channel of a pair, if it was opened. */
  find(a: string, b: string): Promise<ChannelRow | undefined> {
    return this.db
      .selectFrom("channels")
      .selectAll()
      .where("direct_key", "=", directKey(a, b))
      .executeTakeFirst();
  }

  /**
   * Creates the direct channel of a pair with both users' rows, in one transaction. Returns false
   * when a concurrent open of the same pair inserted it first (the unique `direct_key` decides):
   * the caller reads that one back.
   */
  async create(
    row: Omit<ChannelRow, "last_seq" | "kind" | "direct_key" | "event_id">,
    a: string,
    b: string,
  ): Promise<boolean> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto("channels")
          .values({ ...row, event_id: null, kind: "direct", direct_key: directKey(a, b) })
          .execute();
        await trx
          .insertInto("channel_members")
          .values(
            [a, b].map((user_id) => ({
              channel_id: row.id,
              user_id,
              role: "member" as const,
              joined_at: row.created_at,
            })),
          )
          .execute();
      });
      return true;
    } catch (err) {
      if (isUniqueViolation(err, "direct_key")) return false;
      throw err;
    }
  }

  /**
   * Whether two users share an event, or a group channel (through their own rows or its event),
   * in one statement. Direct channels do not count: a call does not justify another.
   */
  async shareAnything(a: string, b: string): Promise<boolean> {
    const r = await sql<{ n: number }>`
      select count(*) as n from (
        select 1 as x from event_members ea
          join event_members eb on eb.event_id = ea.event_id
          where ea.user_id = ${a} and eb.user_id = ${b}
        union all
        select 1 from channel_members ca
          join channels c on c.id = ca.channel_id and c.kind = 'group'
          join channel_members cb on cb.channel_id = ca.channel_id
          where ca.user_id = ${a} and cb.user_id = ${b}
        union all
        select 1 from channel_members ca
          join channels c on c.id = ca.channel_id and c.kind = 'group'
          join event_members eb on eb.event_id = c.event_id
          where ca.user_id = ${a} and eb.user_id = ${b}
        union all
        select 1 from channel_members cb
          join channels c on c.id = cb.channel_id and c.kind = 'group'
          join event_members ea on ea.event_id = c.event_id
          where cb.user_id = ${b} and ea.user_id = ${a}
      ) shared`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }
}
