import type { ClientMessage } from "@won/protocol";
import type { Realtime } from "../realtime.js";
import type { Session } from "../session.js";

export type Handler<T extends ClientMessage["type"]> = (
  rt: Realtime,
  session: Session,
  msg: Extract<ClientMessage, { type: T }>,
) => Promise<void> | void;
