import { CLOSE, LIMITS } from "@won/protocol";
import { presentUser } from "../../presenters/index.js";
import type { Handler } from "./types.js";

/**
 * First message: authenticates the socket (`ready`). Later: swaps in a fresh access token of the
 * same user so the socket outlives the old token's expiry. Any failure closes 4401.
 *
 * The socket is registered for revocation notices of the token's session BEFORE the revocation
 * list is read: a logout either committed before that read (and is seen) or its notice arrives
 * after the registration (and closes the socket). Registering after the read, or after any later
 * await, would let a racing logout slip between the two and leave a revoked socket open.
 */
export const auth: Handler<"auth"> = async (rt, session, msg) => {
  const claims = await rt.ctx.tokens.verifyAccess(msg.token);
  if (session.closed) return;
  if (!claims || (session.ready && claims.userId !== session.userId)) {
    session.close(CLOSE.unauthenticated, "invalid, expired or revoked token");
    return;
  }
  rt.watchRevocation(session, claims.sessionId);
  if (await rt.ctx.engines.revocations.isRevoked(claims.sessionId)) {
    session.close(CLOSE.unauthenticated, "invalid, expired or revoked token");
    return;
  }
  if (session.closed) return;
  if (!session.ready) {
    const user = await rt.ctx.repos.users.profile(claims.userId);
    if (session.closed) return;
    if (!user) {
      session.close(CLOSE.unauthenticated, "no such user");
      return;
    }
    if (!rt.admitUser(session, claims.userId)) return;
    session.user = presentUser(user);
  }
  const first = !session.ready;
  rt.setSessionClaims(session, claims);
  if (first)
    session.send({
      type: "ready",
      sessionId: session.id,
      user: session.user!,
      heartbeatMs: LIMITS.heartbeatMs,
    });
};
