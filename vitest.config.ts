import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// One runner for every suite. Tests that need MariaDB or Redis read TEST_MYSQL_URL and
// TEST_REDIS_URL, which `npm test` (scripts/test.mjs) sets after starting throwaway servers.
export default defineConfig({
  resolve: {
    alias: { "@won/protocol": fileURLToPath(new URL("./packages/protocol/src/index.ts", import.meta.url)) },
  },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "apps/server/src/**/*.test.ts",
      "apps/web/src/**/*.test.ts",
      "apps/web/e2e/**/*.e2e.ts",
      "scripts/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
