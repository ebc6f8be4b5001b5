import type { Handler } from "./types.js";

export const unsubscribe: Handler<"unsubscribe"> = async (rt, session, msg) => {
  await rt.leave(session, msg.channelId, "released");
  session.send({ type: "unsubscribed", channelId: msg.channelId });
};
