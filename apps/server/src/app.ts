/**
 * buildApp(config, deps) returns a ready Fastify instance with every route, the WebSocket
 * gateway and the web client; main.ts listens and handles signals. Tests build an
 * app per suite and use `inject()` or listen on port 0.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { API_PREFIX, openApiDocument, routes } from "@won/protocol";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { type CoreDeps, createCore } from "./core.js";
import { errorHandler } from "./http/error-handler.js";
import { clientErrorHandler, notFoundHandler, refuseNonPreflightOptions } from "./http/fallbacks.js";
import { problem } from "./http/problem.js";
import { alertRoutes } from "./http/routes/alerts.js";
import { authRoutes } from "./http/routes/auth.js";
import { channelRoutes } from "./http/routes/channels.js";
import { eventRoutes } from "./http/routes/events.js";
import { pushRoutes } from "./http/routes/push.js";
import { recordingRoutes } from "./http/routes/recordings.js";
import { serviceRoutes } from "./http/routes/service.js";
import { targetedRoutes } from "./http/routes/targeted.js";
import { startAlertEscalation } from "./jobs/alert-escalation.js";
import { startHousekeeping } from "./jobs/housekeeping.js";
import { proxyTrust } from "./lib/client-address.js";
import { loadTlsCredentials, type TlsCredentials } from "./lib/tls-certificate.js";
import { metricsPlugin, RealtimeMeter } from "./observability/metrics.js";
import { Realtime } from "./realtime/realtime.js";

export { createLogger } from "./core.js";

/** What `createCore` takes: a logger, a shared memory hub (multi-node tests), node id, lease. */
export type AppDeps = CoreDeps;

export interface App {
  fastify: FastifyInstance;
  ctx: AppContext;
  realtime: Realtime;
  /** Graceful stop: refuse new work, end transmissions, close sockets (1012), drain, close. */
  close(): Promise<void>;
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const ctx: AppContext = await createCore(config, deps);
  const realtimeMeter = new RealtimeMeter();
  const realtime = new Realtime(ctx, realtimeMeter);
  // Commands publish to the core's outbox; from here on the gateway delivers what they publish.
  const detachLive = ctx.live.attach(realtime.live);

  let shuttingDown = false;
  const tls = await loadTlsCredentials(config.tls);
  if (tls) logCertificate(ctx.log, tls);
  const fastify = createFastify(config, ctx.log, tls);
  await registerSecurity(fastify, config);
  await registerServiceRoutes(fastify, ctx, () => shuttingDown);
  await fastify.register(metricsPlugin(ctx, () => realtime, realtimeMeter));
  await fastify.register(
    async (api) => {
      await api.register(authRoutes(ctx));
      await api.register(eventRoutes(ctx));
      await api.register(channelRoutes(ctx));
      await api.register(recordingRoutes(ctx));
      await api.register(alertRoutes(ctx));
      await api.register(pushRoutes(ctx));
      await api.register(targetedRoutes(ctx));
    },
    { prefix: API_PREFIX },
  );
  await registerWebClient(fastify, config);

  // With TLS this is an https.Server: WebSocket upgrades arrive on it the same way (WSS).
  realtime.attach(fastify.server);
  await fastify.ready();
  const stopHousekeeping = startHousekeeping(ctx);
  const stopAlertEscalation = startAlertEscalation(ctx);

  return {
    fastify,
    ctx,
    realtime,
    async close() {
      shuttingDown = true;
      stopHousekeeping();
      stopAlertEscalation();
      await realtime.close();
      detachLive();
      await fastify.close();
      await ctx.close();
    },
  };
}

/** Prints what a phone's user compares before accepting the certificate, and the SPKI pin. */
function logCertificate(log: Logger, tls: TlsCredentials): void {
  log.info(
    { fingerprint: tls.fingerprint, spkiSha256: tls.spkiSha256, generated: tls.generated },
    `TLS certificate SHA-256 fingerprint ${tls.fingerprint}`,
  );
}

/** Fastify with the project's parsing, validation, error and request-id rules; HTTPS when
 *  `tls` is given (the same port serves WSS). */
function createFastify(config: Config, log: Logger, tls: TlsCredentials | null): FastifyInstance {
  // An https.Server is driven like an http.Server by everything here (inject, listen, upgrades).
  const fastify = Fastify({
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
    loggerInstance: log as FastifyBaseLogger,
    // The same trust as WebSocket upgrades (lib/client-address.ts): `request.ip` is the client.
    trustProxy: proxyTrust(config.trustProxy),
    bodyLimit: 64 * 1024,
    requestIdHeader: "x-request-id",
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    // URLs the router rejects before routing (bad percent-encoding, over-long path parameters:
    // ids are 36-character UUIDs) still get problem+json.
    frameworkErrors: (err, _req, reply) => {
      const code =
        err.code === "FST_ERR_MAX_PARAM_LENGTH" || err.code === "FST_ERR_BAD_URL"
          ? "invalid_params"
          : "invalid_body";
      const r = reply as unknown as FastifyReply;
      void r.code(400).type("application/problem+json").send(problem(code, "The request URL is not valid"));
    },
    clientErrorHandler,
  }) as unknown as FastifyInstance;
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  fastify.setErrorHandler(errorHandler);
  // JSON only: a text/plain body is 415, not a string handed to the route.
  fastify.removeContentTypeParser("text/plain");
  // The request id (ours, or the client's X-Request-Id) goes back so reports can quote it.
  fastify.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  return fastify;
}

/** Security headers (CSP for the web client) and CORS for the configured origins. */
async function registerSecurity(fastify: FastifyInstance, config: Config): Promise<void> {
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        // Not upgrade-insecure-requests: a laptop at a venue may serve plain http on the LAN.
        upgradeInsecureRequests: null,
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        mediaSrc: ["'self'", "blob:"],
        connectSrc: ["'self'", "ws:", "wss:"],
        workerSrc: ["'self'", "blob:"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  fastify.addHook("onRequest", refuseNonPreflightOptions);
  await fastify.register(cors, {
    origin: (origin, cb) =>
      cb(null, !origin || config.corsOrigins.includes(origin) || config.corsOrigins.includes("*")),
    methods: ["GET", "POST", "PATCH", "DELETE"],
    exposedHeaders: ["retry-after", "content-range", "x-request-id"],
    maxAge: 600,
  });
}

/** Health, readiness and the OpenAPI document (from the protocol's route table) with its UI,
 *  at the root for load balancers and under the API prefix as the table lists them. */
async function registerServiceRoutes(
  fastify: FastifyInstance,
  ctx: AppContext,
  isShuttingDown: () => boolean,
): Promise<void> {
  await fastify.register(swagger, {
    mode: "static",
    specification: { document: openApiDocument(routes) as never },
  });
  await fastify.register(swaggerUi, { routePrefix: "/docs" });
  const document = () => fastify.swagger() as { openapi: string };
  await fastify.register(serviceRoutes(ctx, isShuttingDown, document));
  await fastify.register(serviceRoutes(ctx, isShuttingDown, document), { prefix: API_PREFIX });
}

/** The built web client, when there is one; what no route takes gets problem+json (or the app). */
async function registerWebClient(fastify: FastifyInstance, config: Config): Promise<void> {
  const hasWeb = existsSync(join(config.webDistDir, "index.html"));
  if (hasWeb) {
    await fastify.register(fastifyStatic, {
      root: config.webDistDir,
      wildcard: false,
      index: ["index.html"],
    });
  }
  fastify.setNotFoundHandler(notFoundHandler(hasWeb));
}
