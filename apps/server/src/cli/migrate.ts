/** `npm run migrate`: applies pending migrations to the configured database and exits. */
import { ConfigError, loadConfig } from "../config.js";
import { createCore, createLogger } from "../core.js";

try {
  const config = loadConfig();
  // Opening the core migrates the database; nothing else is done with it.
  const core = await createCore(config, { logger: createLogger(config, 2) });
  try {
    const applied = core.migrationsApplied;
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
  } finally {
    await core.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
