/**
 * A browser subscribes to Web Push for the caller's session; the endpoint is checked before it is
 * stored, since the server will POST to it (push/endpoint.ts).
 */
import type { PushSubscriptionBody } from "@won/protocol";
import type { Core } from "../core.js";
import { AppError } from "../domain/errors.js";
import { checkPushEndpoint } from "../push/endpoint.js";

type Deps = Pick<Core, "repos" | "config" | "push">;

/** The server's VAPID public key, or `not_found` when push is off. */
export function pushConfig(ctx: Pick<Core, "push">): { publicKey: string } {
  const publicKey = ctx.push.publicKey;
  if (!publicKey) throw new AppError("not_found", "Push notifications are not enabled on this server");
  return { publicKey };
}

export async function subscribePush(
  ctx: Deps,
  caller: { userId: string; sessionId: string },
  body: PushSubscriptionBody,
): Promise<void> {
  pushConfig(ctx);
  await checkPushEndpoint(body.endpoint, { allowLoopback: ctx.config.push.allowLoopback });
  await ctx.repos.pushSubscriptions.save({
    endpoint: body.endpoint,
    userId: caller.userId,
    sessionId: caller.sessionId,
    p256dh: body.keys.p256dh,
    auth: body.keys.auth,
  });
}

export async function unsubscribePush(
  ctx: Pick<Core, "repos">,
  userId: string,
  endpoint: string,
): Promise<void> {
  await ctx.repos.pushSubscriptions.remove(userId, endpoint);
}
