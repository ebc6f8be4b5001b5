import type { FastifyPluginAsync } from "fastify";
import { sql } from "kysely";
import type { AppContext } from "../../context.js";
import { problem } from "../problem.js";

/** Liveness and readiness (for load balancers and orchestrators). Not under /api/v1 auth. */
export function serviceRoutes(ctx: AppContext, isShuttingDown: () => boolean): FastifyPluginAsync {
  return async (app) => {
    app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));

    app.get("/readyz", { schema: { hide: true } }, async (_req, reply) => {
      const [database, broker] = await Promise.all([
        withTimeout(
          sql`select 1`.execute(ctx.db).then(() => true),
          2_000,
        ),
        withTimeout(ctx.engines.healthy(), 2_000),
      ]);
      const ready = database && broker && !isShuttingDown();
      const body = {
        status: ready ? "ready" : "unavailable",
        database,
        broker,
        shuttingDown: isShuttingDown(),
      };
      if (ready) return body;
      return reply
        .code(503)
        .type("application/problem+json")
        .send({ ...problem("unavailable", "Not ready"), checks: body });
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
