import type { Kysely } from "kysely";
import type { Dialect } from "../database.js";

/**
 * Emergency alerts: one row per alert with its lifecycle (`open` → `claimed` → `closed`), the
 * raiser's last known location and the escalation schedule; an append-only audit trail of
 * everything that happened to it; and the hot-mic recordings attached to it.
 *
 * `next_escalation_at` is when the escalation job next re-announces an alert still `open`; the
 * job advances it in the same UPDATE that claims the escalation, so one instance wins a period.
 */
export function alerts(_dialect: Dialect) {
  const id = "varchar(36)";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("alerts")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("event_id", id, (c) => c.notNull().references("events.id").onDelete("cascade"))
        .addColumn("channel_id", id, (c) => c.references("channels.id").onDelete("set null"))
        .addColumn("raised_by", id, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("state", "varchar(8)", (c) => c.notNull())
        .addColumn("outcome", "varchar(16)")
        .addColumn("note", "text")
        .addColumn("lat", "double precision")
        .addColumn("lon", "double precision")
        .addColumn("accuracy_m", "double precision")
        .addColumn("location_at", "bigint")
        .addColumn("claimed_by", id, (c) => c.references("users.id").onDelete("set null"))
        .addColumn("claimed_at", "bigint")
        .addColumn("closed_by", id, (c) => c.references("users.id").onDelete("set null"))
        .addColumn("closed_at", "bigint")
        .addColumn("escalations", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("next_escalation_at", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("alerts_event_state").on("alerts").columns(["event_id", "state"]).execute();
      await db.schema
        .createIndex("alerts_raiser")
        .on("alerts")
        .columns(["raised_by", "event_id", "state"])
        .execute();
      await db.schema
        .createIndex("alerts_escalation")
        .on("alerts")
        .columns(["state", "next_escalation_at"])
        .execute();

      await db.schema
        .createTable("alert_audit")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("alert_id", id, (c) => c.notNull().references("alerts.id").onDelete("cascade"))
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("actor_id", id)
        .addColumn("action", "varchar(16)", (c) => c.notNull())
        .addColumn("detail", "text")
        .execute();
      await db.schema
        .createIndex("alert_audit_alert")
        .on("alert_audit")
        .columns(["alert_id", "at"])
        .execute();

      await db.schema
        .createTable("alert_recordings")
        .addColumn("alert_id", id, (c) => c.notNull().references("alerts.id").onDelete("cascade"))
        .addColumn("recording_id", id, (c) => c.notNull().references("recordings.id").onDelete("cascade"))
        .addPrimaryKeyConstraint("alert_recordings_pk", ["alert_id", "recording_id"])
        .execute();
    },
  };
}
