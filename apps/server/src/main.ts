/** Entry point: load config, build, listen, and shut down gracefully on SIGTERM/SIGINT. */
import { buildApp, createLogger } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { configuredBase } from "./lib/public-url.js";

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config);
  const app = await buildApp(config, { logger });
  await app.fastify.listen({ port: config.port, host: config.host });
  logger.info(
    {
      mode: config.database.kind === "sqlite" ? "embedded" : "production",
      database: config.database.kind,
      engines: config.redis ? "redis" : "memory",
      web: config.webDistDir,
      // The address invite links carry when no request says otherwise: what phones should open.
      phones: configuredBase(config),
    },
    `Operation Won listening on ${config.tls ? "https" : "http"}://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      logger.error("shutdown took longer than 10 s; exiting");
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, "error during shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
