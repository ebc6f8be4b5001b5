import { routes } from "@won/protocol";
import type { FastifyPluginAsync } from "fastify";
import * as targeted from "../../commands/targeted.js";
import type { AppContext } from "../../context.js";
import { authenticate } from "../authenticate.js";
import { presenting } from "../presenting.js";
import { routeRegistrar } from "../route.js";

/** Direct channels and patches. */
export function targetedRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const add = routeRegistrar(app, authenticate(ctx));

    add(routes.openDirect, async (req, reply) => {
      const { channel, created } = await targeted.openDirect(
        presenting(ctx, req),
        req.auth.userId,
        req.body.userId,
      );
      if (!created) reply.code(200);
      return channel;
    });
    add(routes.createPatch, async (req) =>
      targeted.createPatch(ctx, req.auth.userId, req.params.eventId, req.body.channelIds),
    );
    add(routes.listPatches, async (req) => targeted.listPatches(ctx, req.auth.userId, req.params.eventId));
    add(routes.deletePatch, async (req) => {
      await targeted.deletePatch(ctx, req.auth.userId, req.params.patchId);
    });
  };
}
