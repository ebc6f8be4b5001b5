import { routes } from "@won/protocol";
import type { FastifyPluginAsync } from "fastify";
import { pushConfig, subscribePush, unsubscribePush } from "../../commands/push-subscriptions.js";
import type { AppContext } from "../../context.js";
import { authenticate } from "../authenticate.js";
import { routeRegistrar } from "../route.js";

export function pushRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const add = routeRegistrar(app, authenticate(ctx));

    add(routes.getPushConfig, async () => pushConfig(ctx));
    add(routes.subscribePush, async (req, reply) => {
      await subscribePush(ctx, req.auth, req.body);
      reply.code(201);
    });
    add(routes.unsubscribePush, async (req) => {
      await unsubscribePush(ctx, req.auth.userId, req.body.endpoint);
    });
  };
}
