import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";

export interface RecordingMeta {
  id: string;
  channel_id: string;
  duration_ms: number;
  size_bytes: number;
  created_at: number;
}

export class RecordingsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  meta(id: string): Promise<RecordingMeta | undefined> {
    return this.db
      .selectFrom("recordings")
      .select(["id", "channel_id", "duration_ms", "size_bytes", "created_at"])
      .where("id", "=", id)
      .executeTakeFirst();
  }

  async metas(ids: readonly string[]): Promise<RecordingMeta[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom("recordings")
      .select(["id", "channel_id", "duration_ms", "size_bytes", "created_at"])
      .where("id", "in", [...new Set(ids)])
      .execute();
  }

  /** The channels whose history references this recording (one transmission heard on several
   *  channels is one recording with a message in each). */
  async channelsReferencing(id: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("messages")
      .select("channel_id")
      .distinct()
      .where("recording_id", "=", id)
      .execute();
    return rows.map((r) => r.channel_id);
  }

  async data(id: string): Promise<Buffer | undefined> {
    const row = await this.db.selectFrom("recordings").select("data").where("id", "=", id).executeTakeFirst();
    return row ? Buffer.from(row.data) : undefined;
  }

  /** Deletes recordings created before `cutoff` (ms); their messages stay, without audio. */
  async deleteOlderThan(cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom("recordings").where("created_at", "<", cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
