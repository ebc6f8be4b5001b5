import { CLOSE, LIMITS } from "@won/protocol";
import { verifyAccessToken } from "../../http/authenticate.js";
import { presentUser } from "../../presenters/index.js";
import type { Handler } from "./types.js";

/**
 * First message: authenticates the socket (`ready`). Later: swaps in a fresh access token of the
 * same user so the socket outlives the old token's expiry. Any failure closes 4401.
 */
export const auth: Handler<"auth"> = async (rt, session, msg) => {
  const claims = await verifyAccessToken(rt.ctx, msg.token);
  if (session.closed) return;
  if (!claims || (session.ready && claims.userId !== session.userId)) {
    session.close(CLOSE.unauthenticated, "invalid, expired or revoked token");
    return;
  }
  if (!session.ready) {
    const user = await rt.ctx.repos.users.profile(claims.userId);
    if (!user) {
      session.close(CLOSE.unauthenticated, "no such user");
      return;
    }
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
