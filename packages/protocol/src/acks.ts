/** Acknowledgements of messages that ask for them (`ackRequired`): who did, and who has not yet. */
import { z } from "zod";
import { Id, IsoDate, User } from "./rest.js";

export const MessageParams = z.strictObject({ messageId: Id });

/** One user's acknowledgement of one message; acknowledging again answers the first one. */
export const MessageAckReceipt = z.object({ messageId: Id, userId: Id, at: IsoDate });
export type MessageAckReceipt = z.infer<typeof MessageAckReceipt>;

/** Who acknowledged a message (oldest first) and which of its recipients have not yet. */
export const MessageAcks = z.object({
  acked: z.array(z.object({ user: User, at: IsoDate })),
  pending: z.array(User),
});
export type MessageAcks = z.infer<typeof MessageAcks>;
