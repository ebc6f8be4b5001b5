import type { Handler } from "./types.js";

/** `ptt.start`: asks for the floor of a subscribed channel (see PushToTalk.start). */
export const pttStart: Handler<"ptt.start"> = (rt, session, msg) =>
  rt.ptt.start(session, msg.channelId, msg.priority === true);

/** `ptt.stop`: ends the caller's transmission on the channel; answered with `ptt.stopped`. */
export const pttStop: Handler<"ptt.stop"> = async (_rt, session, msg) => {
  const t = session.transmission;
  if (t && t.channelId === msg.channelId) {
    await t.end("released");
    session.send({ type: "ptt.stopped", channelId: t.channelId, streamId: t.streamId });
    return;
  }
  if (session.lastStream?.channelId === msg.channelId) {
    session.send({ type: "ptt.stopped", channelId: msg.channelId, streamId: session.lastStream.streamId });
    return;
  }
  session.error("not_floor_holder", "You are not transmitting on this channel", msg.channelId);
};
