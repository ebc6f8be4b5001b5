/** Path parameters, service schemas and error lists shared by the route groups. */
import { z } from "zod";
import { Id } from "../rest.js";

export const EventParams = z.strictObject({ eventId: Id });
export const EventMemberParams = z.strictObject({ eventId: Id, userId: Id });
export const ChannelParams = z.strictObject({ channelId: Id });
export const ChannelMemberParams = z.strictObject({ channelId: Id, userId: Id });
export const AlertParams = z.strictObject({ alertId: Id });
export const RecordingParams = z.strictObject({ recordingId: Id });

/** `/healthz`: the process runs. */
export const HealthStatus = z.object({ status: z.literal("ok") });
/** `/readyz` when ready; otherwise 503 `unavailable` with these checks as `checks`. */
export const ReadyStatus = z.object({
  status: z.literal("ready"),
  database: z.boolean(),
  broker: z.boolean(),
  shuttingDown: z.boolean(),
});
/** The OpenAPI document, checked only as far as its version. */
export const OpenApiDocument = z.looseObject({ openapi: z.string() });

export const EVENT_ADMIN = ["not_found", "not_a_member", "forbidden"] as const;
export const EVENT_READ = ["not_found", "not_a_member"] as const;
export const CHANNEL_ADMIN = ["not_found", "not_a_member", "forbidden"] as const;
export const CHANNEL_READ = ["not_found", "not_a_member"] as const;
