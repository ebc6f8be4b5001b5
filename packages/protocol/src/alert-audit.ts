/** An alert's audit trail: everything that happened to it, who did it, and when. */
import { z } from "zod";
import { IsoDate, User } from "./rest.js";

export const AlertAuditAction = z.enum([
  "raised",
  /** Sent to the staff's sockets (`detail.recipients`: how many users). */
  "delivered",
  /** Shown on a staff member's device (`detail.device`: which). */
  "received",
  "claimed",
  "taken_over",
  "location",
  "escalated",
  "resolved",
  "false_alarm",
  "recording",
]);
export type AlertAuditAction = z.infer<typeof AlertAuditAction>;

export const AlertAuditEntry = z.object({
  at: IsoDate,
  /** Who did it; null for the server's own steps (delivery, escalation). */
  actor: User.nullable(),
  action: AlertAuditAction,
  /** What the step carried (a location, an outcome and note, a device, a count). */
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AlertAuditEntry = z.infer<typeof AlertAuditEntry>;

export const AlertAudit = z.object({ entries: z.array(AlertAuditEntry) });
export type AlertAudit = z.infer<typeof AlertAudit>;

export const AlertReceivedBody = z
  .strictObject({
    /** The device, as the client names it ("Android · Chrome"); shown in the trail as given. */
    device: z.string().trim().min(1).max(80).optional(),
  })
  .optional();
export type AlertReceivedBody = z.infer<typeof AlertReceivedBody>;
