// Server-side operation counters, read before and after a window: statements MariaDB executed
// (`Questions`, which excludes the statements of stored programs) and commands Redis executed
// (`INFO stats` total_commands_processed). Divided by messages or frames they show how many
// round trips one operation costs. Our own reads add one statement / one command each.
import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";

export async function openCounters(databaseUrl, redisUrl) {
  const db = await createConnection(databaseUrl);
  const redis = new Redis(redisUrl, { lazyConnect: false });
  return {
    async read() {
      const [[row]] = await db.query("SHOW GLOBAL STATUS LIKE 'Questions'");
      const info = await redis.info("stats");
      return {
        dbStatements: Number(row.Value),
        redisCommands: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0),
      };
    },
    async close() {
      await db.end();
      redis.disconnect();
    },
  };
}

export const delta = (a, b) => ({
  dbStatements: b.dbStatements - a.dbStatements - 1,
  redisCommands: b.redisCommands - a.redisCommands - 1,
});
