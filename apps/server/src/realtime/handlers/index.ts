import type { ClientMessage } from "@won/protocol";
import { auth } from "./auth.js";
import { pttStart, pttStop } from "./ptt.js";
import { subscribe } from "./subscribe.js";
import type { Handler } from "./types.js";
import { unsubscribe } from "./unsubscribe.js";

/** One handler per client message type. */
export const handlers: { [T in ClientMessage["type"]]: Handler<T> } = {
  auth,
  subscribe,
  unsubscribe,
  "ptt.start": pttStart,
  "ptt.stop": pttStop,
  ping: (_rt, session) => session.send({ type: "pong" }),
  pong: () => undefined,
};
