#!/usr/bin/env node
// `npm test`: installs the Debian packages the suites need (when missing), builds what the
// end-to-end suites serve, starts a throwaway MariaDB and Redis, runs every suite with Vitest
// against them, stops them, and prints one closing line `N passed, N failed`.
// Extra arguments go to Vitest (e.g. `npm test -- apps/server/src/auth`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureAptPackages, startMariaDb, startRedis } from "./services.mjs";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);

ensureAptPackages();

if (!process.env.SKIP_BUILD) {
  const build = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

console.log("[test] starting MariaDB and Redis …");
const [maria, redis] = await Promise.all([startMariaDb(), startRedis()]);
console.log(`[test] MariaDB ${maria.url}  Redis ${redis.url}`);

const out = mkdtempSync(join(tmpdir(), "won-vitest-"));
const report = join(out, "report.json");
let code = 1;
try {
  code = await new Promise((resolve) => {
    const child = spawn(
      join(root, "node_modules/.bin/vitest"),
      ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args],
      {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, TEST_MYSQL_URL: maria.url, TEST_REDIS_URL: redis.url, NODE_ENV: "test" },
      },
    );
    child.on("exit", (c, sig) => resolve(c ?? (sig ? 1 : 0)));
  });
} finally {
  await Promise.all([maria.destroy(), redis.destroy()]);
}

if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(
    `\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`,
  );
  if (r.numTotalTests === 0) code = 1;
}
rmSync(out, { recursive: true, force: true });
process.exit(code);
