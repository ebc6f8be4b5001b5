import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";

/** Stored recording bytes counted against a speaker's and an event's quotas. */
export interface RecordingUsage {
  /** Bytes of the recordings the user sent, in any channel. */
  userBytes: number;
  /** The channel's event; null for a standalone channel (or one that no longer exists). */
  eventId: string | null;
  /** Bytes of the recordings in the event's channels, by anyone; 0 without an event. */
  eventBytes: number;
}

/**
 * What a user or an event holds, for the quotas in commands/storage-quota.ts. Every query reads
 * an index of migration 005 only (`recordings(sender_id, size_bytes)`,
 * `recordings(channel_id, size_bytes)` through `channels(event_id)`, `events(created_by)`,
 * `channels(created_by)`), never the recordings' audio.
 */
export class UsageRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** The user's stored recording bytes, and those of the event `channelId` belongs to, in one
   *  round trip. */
  async recordingBytes(userId: string, channelId: string): Promise<RecordingUsage> {
    const row = await this.db
      .selectNoFrom((eb) => {
        const eventOfChannel = eb
          .selectFrom("channels as h")
          .select("h.event_id")
          .where("h.id", "=", channelId);
        return [
          eb
            .selectFrom("recordings")
            .select((s) => s.fn.sum<number | string | null>("size_bytes").as("b"))
            .where("sender_id", "=", userId)
            .as("user_bytes"),
          eventOfChannel.as("event_id"),
          eb
            .selectFrom("recordings as r")
            .innerJoin("channels as c", "c.id", "r.channel_id")
            .select((s) => s.fn.sum<number | string | null>("r.size_bytes").as("b"))
            // A standalone channel has no event: `= NULL` matches nothing.
            .where("c.event_id", "=", eventOfChannel)
            .as("event_bytes"),
        ];
      })
      .executeTakeFirstOrThrow();
    // MySQL sums to DECIMAL, which arrives as a string; an empty sum is NULL.
    return {
      userBytes: Number(row.user_bytes ?? 0),
      eventId: row.event_id ?? null,
      eventBytes: Number(row.event_bytes ?? 0),
    };
  }

  /** Events the user created that still exist. */
  async eventsCreatedBy(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("created_by", "=", userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Channels the user created that still exist, standalone or in an event. */
  async channelsCreatedBy(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom("channels")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("created_by", "=", userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
