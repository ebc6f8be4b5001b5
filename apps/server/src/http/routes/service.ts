import { routes } from "@won/protocol";
import type { FastifyPluginAsync } from "fastify";
import type { AppContext } from "../../context.js";
import { authenticate } from "../authenticate.js";
import { problem } from "../problem.js";
import { routeRegistrar } from "../route.js";

/**
 * Liveness, readiness (for load balancers and orchestrators) and the OpenAPI document, all
 * anonymous. Registered twice: at the root and under the API prefix, where the contract lists them.
 */
export function serviceRoutes(
  ctx: AppContext,
  isShuttingDown: () => boolean,
  openApiDocument: () => { openapi: string },
): FastifyPluginAsync {
  return async (app) => {
    const add = routeRegistrar(app, authenticate(ctx));

    add(routes.health, async () => ({ status: "ok" as const }));
    add(routes.openApi, async () => openApiDocument());

    add(routes.readiness, async (_req, reply) => {
      const { database, broker } = await ctx.checkDependencies();
      const shuttingDown = isShuttingDown();
      if (database && broker && !shuttingDown) {
        return { status: "ready" as const, database, broker, shuttingDown };
      }
      const checks = { status: "unavailable", database, broker, shuttingDown };
      return reply
        .code(503)
        .type("application/problem+json")
        .send({ ...problem("unavailable", "Not ready"), checks });
    });
  };
}
