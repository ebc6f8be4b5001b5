/** Bodies and shapes of targeted talk: direct channels and patches. */
import { z } from "zod";
import { Id, IsoDate } from "./rest.js";

/** `POST /direct`: open (or find) the direct channel with another user. */
export const DirectBody = z.strictObject({ userId: Id });
export type DirectBody = z.infer<typeof DirectBody>;

/** Channels of one event patched together: a transmission on one takes the floor of all. */
export const Patch = z.object({
  id: Id,
  eventId: Id,
  channelIds: z.array(Id),
  createdBy: Id,
  createdAt: IsoDate,
});
export type Patch = z.infer<typeof Patch>;

/** The most channels one patch joins. */
export const MAX_PATCH_CHANNELS = 32;

export const CreatePatchBody = z.strictObject({
  channelIds: z
    .array(Id)
    .min(2)
    .max(MAX_PATCH_CHANNELS)
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat a channel"),
});
export type CreatePatchBody = z.infer<typeof CreatePatchBody>;
