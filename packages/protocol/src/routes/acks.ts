/** REST routes: acknowledging messages that ask for it, and who has. */
import { MessageAckReceipt, MessageAcks, MessageParams } from "../acks.js";
import { defineRoute } from "../route.js";
import * as common from "./common.js";

export const ackRoutes = {
  ackMessage: defineRoute({
    operationId: "ackMessage",
    method: "POST",
    path: "/messages/:messageId/ack",
    summary: "Acknowledge a message that asks for it",
    description:
      "For the members of its channel other than its sender. Acknowledging again is not an error: " +
      "the first acknowledgement, nothing changes. 409 `conflict` when the message does not ask for one " +
      "or the caller sent it.",
    tag: "messages",
    auth: "bearer",
    params: MessageParams,
    status: 200,
    response: MessageAckReceipt,
    errors: [...common.CHANNEL_READ, "conflict"],
  }),
  listMessageAcks: defineRoute({
    operationId: "listMessageAcks",
    method: "GET",
    path: "/messages/:messageId/acks",
    summary: "Who acknowledged a message and who has not yet",
    description:
      "For its sender and the channel's moderators and admins (403 `forbidden` for other members). " +
      "409 `conflict` when the message does not ask for acknowledgement.",
    tag: "messages",
    auth: "bearer",
    params: MessageParams,
    status: 200,
    response: MessageAcks,
    errors: [...common.CHANNEL_ADMIN, "conflict"],
  }),
} as const;
