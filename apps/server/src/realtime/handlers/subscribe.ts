import type { Handler } from "./types.js";

/**
 * `subscribe`: a member follows a channel — `subscribed`, the replay of what it missed, then live
 * events (ChannelService.subscribe). Unknown channel `not_found`, not a member `not_a_member`.
 */
export const subscribe: Handler<"subscribe"> = async ({ channels }, conn, msg) => {
  await channels.access(conn, msg.channelId);
  await channels.subscribe(conn, msg.channelId, msg.sinceSeq);
};
