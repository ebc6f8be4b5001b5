/** REST routes: Web Push — the server's public key and the caller's browser subscriptions. */
import { PushConfig, PushSubscriptionBody, PushUnsubscribeBody } from "../push.js";
import { defineRoute } from "../route.js";

export const pushRoutes = {
  getPushConfig: defineRoute({
    operationId: "getPushConfig",
    method: "GET",
    path: "/push/config",
    summary: "The server's VAPID public key (404 when push is off)",
    tag: "push",
    auth: "none",
    status: 200,
    response: PushConfig,
    errors: ["not_found"],
  }),
  subscribePush: defineRoute({
    operationId: "subscribePush",
    method: "POST",
    path: "/me/push-subscriptions",
    summary: "Register this browser's push subscription for the caller's session",
    description:
      "The endpoint must be an https URL whose host does not resolve to a loopback, private or link-local address. " +
      "Registering an endpoint again moves it to the caller's session. Dropped when the session signs out.",
    tag: "push",
    auth: "bearer",
    body: PushSubscriptionBody,
    status: 201,
    response: null,
    errors: ["not_found", "rate_limited"],
  }),
  unsubscribePush: defineRoute({
    operationId: "unsubscribePush",
    method: "DELETE",
    path: "/me/push-subscriptions",
    summary: "Forget one of the caller's push subscriptions (no error if it was not there)",
    tag: "push",
    auth: "bearer",
    body: PushUnsubscribeBody,
    status: 204,
    response: null,
    errors: [],
  }),
} as const;
