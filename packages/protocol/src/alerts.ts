/** Emergency alerts: the resource, its location, and the bodies and queries of its routes. */
import { z } from "zod";
import { LIMITS } from "./limits.js";
import { Id, IsoDate, Recording, User } from "./rest.js";

export const AlertLocation = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** Radius of the fix's uncertainty, in metres. */
  accuracyM: z.number().min(0).max(1_000_000),
});
export type AlertLocation = z.infer<typeof AlertLocation>;

export const Alert = z.object({
  id: Id,
  eventId: Id,
  channelId: Id.nullable(),
  raisedBy: User,
  state: z.enum(["open", "claimed", "closed"]),
  outcome: z.enum(["resolved", "false_alarm"]).nullable(),
  note: z.string().nullable(),
  location: z.object({ lat: z.number(), lon: z.number(), accuracyM: z.number(), at: IsoDate }).nullable(),
  claimedBy: User.nullable(),
  claimedAt: IsoDate.nullable(),
  closedBy: User.nullable(),
  closedAt: IsoDate.nullable(),
  /** How many times the alert was re-announced while nobody claimed it. */
  escalations: z.number().int(),
  /** Staff members who had the alarm on screen (an addition; see `POST /alerts/:id/received`). */
  receivedBy: z.number().int().min(0).default(0),
  recordings: z.array(Recording),
  createdAt: IsoDate,
});
export type Alert = z.infer<typeof Alert>;

export const RaiseAlertBody = z
  .strictObject({
    channelId: Id.optional(),
    note: z.string().trim().max(LIMITS.messageBodyMax).optional(),
    location: AlertLocation.optional(),
  })
  .optional();
export type RaiseAlertBody = z.infer<typeof RaiseAlertBody>;

export const AlertListQuery = z.strictObject({
  state: z.enum(["open", "all"]).default("all").meta({ description: "`open`: not closed." }),
  before: IsoDate.optional().meta({ description: "Only alerts raised before this time." }),
  limit: z.coerce.number().int().min(1).max(LIMITS.historyPageMax).default(50),
});
export type AlertListQuery = z.infer<typeof AlertListQuery>;

export const AlertList = z.object({ alerts: z.array(Alert), hasMore: z.boolean() });
export type AlertList = z.infer<typeof AlertList>;

export const ClaimAlertBody = z.strictObject({ takeOver: z.boolean().optional() }).optional();
export type ClaimAlertBody = z.infer<typeof ClaimAlertBody>;

export const ResolveAlertBody = z.strictObject({
  outcome: z.enum(["resolved", "false_alarm"]),
  note: z.string().trim().max(LIMITS.messageBodyMax).optional(),
});
export type ResolveAlertBody = z.infer<typeof ResolveAlertBody>;
