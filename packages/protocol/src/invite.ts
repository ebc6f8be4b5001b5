/** What an invite code leads to, shown to someone following an invite before they sign in. */
import { z } from "zod";

export const InvitePreview = z.object({
  kind: z.enum(["event", "channel"]),
  /** The event's or the channel's name. */
  name: z.string(),
  /** A channel's event, if it belongs to one. */
  eventName: z.string().nullable(),
});
export type InvitePreview = z.infer<typeof InvitePreview>;
