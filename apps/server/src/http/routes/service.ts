import { routes } from "@won/protocol";
import type { FastifyPluginAsync } from "fastify";
import { sql } from "kysely";
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
      const [database, broker] = await Promise.all([
        withTimeout(
          sql`select 1`.execute(ctx.db).then(() => true),
          2_000,
        ),
        withTimeout(ctx.engines.healthy(), 2_000),
      ]);
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

async function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p.catch(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
