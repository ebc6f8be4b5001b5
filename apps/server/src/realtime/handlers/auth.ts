import { CLOSE, LIMITS } from "@won/protocol";
import { presentUser } from "../../presenters/index.js";
import type { Handler } from "./types.js";

const REFUSED = "invalid, expired or revoked token";

/**
 * First message: authenticates the socket (`ready`). Later: swaps in a fresh access token of the
 * same user so the socket outlives the old token's expiry. Any failure closes 4401.
 *
 * The socket is registered for revocation notices of the token's session BEFORE the revocation
 * list is read: a logout either committed before that read (and is seen) or its notice arrives
 * after the registration (and closes the socket). Registering after the read, or after any later
 * await, would let a racing logout slip between the two and leave a revoked socket open.
 *
 * A new socket is reachable by `deliverToUser` before it is told `ready`, and `ready` carries
 * every alert not closed that the user may see, read after that: none is missed in between.
 */
export const auth: Handler<"auth"> = async (
  { connections, channels, attention, tokens, revocations, users, openAlerts },
  conn,
  msg,
) => {
  const claims = await tokens.verifyAccess(msg.token);
  if (conn.closed) return;
  if (!claims || (conn.ready && claims.userId !== conn.userId)) {
    conn.close(CLOSE.unauthenticated, REFUSED);
    return;
  }
  connections.watchRevocation(conn, claims.sessionId);
  if (await revocations.isRevoked(claims.sessionId)) {
    conn.close(CLOSE.unauthenticated, REFUSED);
    return;
  }
  if (conn.closed) return;
  const first = !conn.ready;
  if (first) {
    const user = await users.profile(claims.userId);
    if (conn.closed) return;
    if (!user) {
      conn.close(CLOSE.unauthenticated, "no such user");
      return;
    }
    if (!connections.admitUser(conn, claims.userId)) return;
    conn.user = presentUser(user);
  }
  connections.authenticate(conn, claims);
  if (!first) return;
  await channels.attachUser(conn);
  // In view until its page says otherwise (`client.state`).
  await attention.set(conn, true);
  // Read after the socket is reachable: an alert raised meanwhile is in the list or delivered.
  const alerts = await openAlerts(conn.userId);
  if (conn.closed) return;
  conn.send({
    type: "ready",
    sessionId: conn.id,
    user: conn.user!,
    heartbeatMs: LIMITS.heartbeatMs,
    openAlerts: alerts,
  });
};
