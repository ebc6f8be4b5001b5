/**
 * deploy/: docker-compose.yml must parse and validate with Debian's docker-compose (no engine
 * needed for `config`), and the Dockerfile must ship what `npm run build` builds, as non-root,
 * with a health check. There is no Docker engine here, so the image itself is not built.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../../..");
const COMPOSE = resolve(ROOT, "deploy/docker-compose.yml");
const SECRETS = ["JWT_SECRET", "MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD", "REDIS_PASSWORD"];

function compose(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SECRETS.includes(k)));
  const r = spawnSync("docker-compose", ["-f", COMPOSE, ...args], {
    cwd: ROOT,
    env: { ...base, ...env },
    encoding: "utf8",
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error(
      "docker-compose is not installed. Install Debian's package (apt-get install -y docker-compose); " +
        "scripts/services.mjs should list it in APT_PACKAGES so `npm test` installs it.",
    );
  }
  return r;
}

describe("deploy/docker-compose.yml", () => {
  it("passes `docker-compose config` without any secrets set", () => {
    const r = compose(["config", "--quiet"]);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
  });

  it("has MySQL 8, Redis 7, two instances and nginx, and interpolates secrets from the environment", () => {
    const services = compose(["config", "--services"]);
    expect(services.status).toBe(0);
    expect(services.stdout.split("\n").filter(Boolean).sort()).toEqual(
      ["app1", "app2", "mysql", "nginx", "preflight", "redis"].sort(),
    );
    const jwt = "j".repeat(40);
    const r = compose(["config"], {
      JWT_SECRET: jwt,
      MYSQL_PASSWORD: "dbpass",
      MYSQL_ROOT_PASSWORD: "rootpass",
      REDIS_PASSWORD: "redispass",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("image: mysql:8");
    expect(r.stdout).toContain("image: redis:7");
    expect(r.stdout).toContain(`JWT_SECRET: ${jwt}`);
    expect(r.stdout).toContain("DATABASE_URL: mysql://won:dbpass@mysql:3306/won");
    expect(r.stdout).toContain("REDIS_URL: redis://:redispass@redis:6379");
    expect(r.stdout).toMatch(/nginx\.conf:\/etc\/nginx\/nginx\.conf:ro/);
  });
});

describe("deploy/Dockerfile", () => {
  const dockerfile = readFileSync(resolve(ROOT, "deploy/Dockerfile"), "utf8");

  it("builds with `npm ci` and `npm run build` and ships exactly the built output", () => {
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    const shipped = [...dockerfile.matchAll(/^COPY --from=build \S+ \/app\/(\S+) /gm)].map((m) => m[1]);
    for (const dir of ["packages/protocol/dist", "apps/server/dist", "apps/web/dist", "node_modules"])
      expect(shipped).toContain(dir);
    // What `npm run build` produced in this checkout is what the image runs.
    const cmd = /^CMD \["node", "([^"]+)"\]/m.exec(dockerfile)?.[1];
    expect(cmd).toBe("apps/server/dist/main.js");
    for (const built of ["apps/server/dist/main.js", "packages/protocol/dist/index.js"])
      expect(existsSync(resolve(ROOT, built)), `${built} (run npm run build)`).toBe(true);
  });

  it("runs as a non-root user with a health check", () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });
});
