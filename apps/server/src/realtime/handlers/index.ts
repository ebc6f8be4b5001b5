import type { ClientMessage } from "@won/protocol";
import type { Connection } from "../connection.js";
import type { MessageHandlers } from "../transport.js";
import { auth } from "./auth.js";
import { pttStart, pttStop } from "./ptt.js";
import { subscribe } from "./subscribe.js";
import type { Handler, HandlerDeps } from "./types.js";
import { unsubscribe } from "./unsubscribe.js";

/** One handler per client message type. */
export const handlers: { [T in ClientMessage["type"]]: Handler<T> } = {
  auth,
  subscribe,
  unsubscribe,
  "ptt.start": pttStart,
  "ptt.stop": pttStop,
  "client.state": ({ attention }, conn, msg) => attention.set(conn, msg.visible),
  "audio.late": ({ ptt }, conn, msg) => ptt.congested(conn, msg.channelId, msg.streamId, msg.lateMs),
  ping: (_deps, conn) => conn.send({ type: "pong" }),
  pong: () => undefined,
};

/** The handlers with their dependencies bound, as the transport dispatches them. */
export function bindHandlers(deps: HandlerDeps): MessageHandlers {
  return Object.fromEntries(
    Object.entries(handlers).map(([type, handler]) => {
      const handle = handler as Handler<ClientMessage["type"]>;
      return [type, (conn: Connection, msg: ClientMessage) => handle(deps, conn, msg)];
    }),
  ) as MessageHandlers;
}
