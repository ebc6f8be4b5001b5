import type { Alert, ClientMessage } from "@won/protocol";
import type { TokenService } from "../../auth/tokens.js";
import type { Repos } from "../../context.js";
import type { TokenRevocations } from "../../engines/index.js";
import type { Attention } from "../attention.js";
import type { ChannelService } from "../channels.js";
import type { Connection } from "../connection.js";
import type { PushToTalk } from "../push-to-talk.js";
import type { Connections } from "../transport.js";

/**
 * What the socket message handlers use. Each handler takes the few of these it needs; none gets
 * the gateway. Kept as live objects (not copied methods), so what they point at can change.
 */
export interface HandlerDeps {
  channels: ChannelService;
  ptt: PushToTalk;
  attention: Attention;
  connections: Connections;
  tokens: Pick<TokenService, "verifyAccess">;
  revocations: Pick<TokenRevocations, "isRevoked">;
  users: Repos["users"];
  /** Every alert not closed that the user may see (`ready.openAlerts`). */
  openAlerts(userId: string): Promise<Alert[]>;
}

/** One client message type's handler. Failures are thrown as `AppError` (domain/errors.ts);
 *  the transport answers them with a socket `error`. */
export type Handler<T extends ClientMessage["type"]> = (
  deps: HandlerDeps,
  conn: Connection,
  msg: Extract<ClientMessage, { type: T }>,
) => Promise<void> | void;
