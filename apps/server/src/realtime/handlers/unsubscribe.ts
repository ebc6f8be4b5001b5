import type { Handler } from "./types.js";

/** `unsubscribe`: always answered `unsubscribed`, subscribed or not. */
export const unsubscribe: Handler<"unsubscribe"> = async ({ channels }, conn, msg) => {
  await channels.leave(conn, msg.channelId, "released");
  conn.send({ type: "unsubscribed", channelId: msg.channelId });
};
