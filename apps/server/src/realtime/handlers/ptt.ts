import { AppError } from "../../domain/errors.js";
import type { Handler } from "./types.js";

/** `ptt.start`: asks for the floor of a subscribed channel (see PushToTalk.start), or opens
 *  an emergency hot mic (`emergency: true` with the `alertId`; PushToTalk.startHotMic). */
export const pttStart: Handler<"ptt.start"> = ({ ptt }, conn, msg) => {
  if (!msg.emergency) return ptt.start(conn, msg.channelId, msg.priority === true, msg.scope === "event");
  if (!msg.alertId) throw new AppError("invalid_message", "An emergency ptt.start needs its alertId", {});
  return ptt.startHotMic(conn, msg.channelId, msg.alertId);
};

/** `ptt.stop`: ends the caller's transmission on the channel; answered with `ptt.stopped`. */
export const pttStop: Handler<"ptt.stop"> = async (_deps, conn, msg) => {
  const t = conn.transmission;
  if (t && t.channelId === msg.channelId) {
    await t.end("released");
    conn.send({ type: "ptt.stopped", channelId: t.channelId, streamId: t.streamId });
    return;
  }
  if (conn.lastStream?.channelId === msg.channelId) {
    conn.send({ type: "ptt.stopped", channelId: msg.channelId, streamId: conn.lastStream.streamId });
    return;
  }
  throw new AppError("not_floor_holder", "You are not transmitting on this channel");
};
