/**
 * Configuration: parsed once from the environment, validated, frozen. A bad value stops the
 * process at start with a readable list of every problem (STYLE.md #8). Every option is
 * documented in the README with its default and unit.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);

const defaultWebDist = resolve(dirname(fileURLToPath(import.meta.url)), "../../web/dist");

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: int(0, 65_535).default(8000),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATA_DIR: z.string().min(1).default("./data"),
    DATABASE_URL: z
      .string()
      .regex(/^mysql:\/\//, "must be a mysql:// URL")
      .optional(),
    DATABASE_POOL_SIZE: int(1, 500).default(10),
    DATABASE_QUERY_TIMEOUT_MS: int(100, 600_000).default(5_000),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional(),
    REDIS_PREFIX: z.string().default("won:"),
    JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    ACCESS_TOKEN_TTL_S: int(30, 86_400).default(900),
    REFRESH_TOKEN_TTL_S: int(300, 365 * 86_400).default(30 * 86_400),
    CORS_ORIGINS: list.default([]),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    WEB_DIST_DIR: z.string().default(defaultWebDist),
    TRUST_PROXY: bool.default(false),
    MAX_TRANSMISSION_MS: int(1_000, 600_000).default(60_000),
    FLOOR_LEASE_MS: int(500, 30_000).default(3_000),
    PRESENCE_LEASE_MS: int(1_000, 120_000).default(6_000),
    RECORDING_RETENTION_DAYS: int(0, 3_650).default(30),
    RATE_LOGIN_PER_ACCOUNT: int(1, 1_000_000).default(10),
    RATE_LOGIN_PER_IP: int(1, 1_000_000).default(100),
    RATE_REGISTER_PER_IP: int(1, 1_000_000).default(30),
    RATE_JOIN_PER_USER: int(1, 1_000_000).default(30),
    RATE_MESSAGES_PER_USER: int(1, 1_000_000).default(60),
  })
  .superRefine((env, ctx) => {
    if ((env.DATABASE_URL || env.REDIS_URL) && !env.JWT_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_SECRET"],
        message: "is required when DATABASE_URL or REDIS_URL is set (all instances must share it)",
      });
    }
  });

export type Config = Readonly<ReturnType<typeof toConfig>>;

function toConfig(env: z.output<typeof EnvSchema>, jwtSecret: string) {
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    dataDir: resolve(env.DATA_DIR),
    database: env.DATABASE_URL
      ? ({
          kind: "mysql",
          url: env.DATABASE_URL,
          poolSize: env.DATABASE_POOL_SIZE,
          queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
        } as const)
      : ({ kind: "sqlite", file: join(resolve(env.DATA_DIR), "operation-won.sqlite") } as const),
    redis: env.REDIS_URL ? { url: env.REDIS_URL, prefix: env.REDIS_PREFIX } : null,
    jwtSecret,
    accessTokenTtlS: env.ACCESS_TOKEN_TTL_S,
    refreshTokenTtlS: env.REFRESH_TOKEN_TTL_S,
    corsOrigins: env.CORS_ORIGINS,
    logLevel: env.LOG_LEVEL,
    webDistDir: resolve(env.WEB_DIST_DIR),
    trustProxy: env.TRUST_PROXY,
    ptt: { maxTransmissionMs: env.MAX_TRANSMISSION_MS, floorLeaseMs: env.FLOOR_LEASE_MS },
    /** A crashed instance's sockets leave presence within about 1.5 × this. */
    presenceLeaseMs: env.PRESENCE_LEASE_MS,
    recordingRetentionDays: env.RECORDING_RETENTION_DAYS,
    /** Rate limits: `limit` hits per `windowMs`. */
    rates: {
      loginPerAccount: { limit: env.RATE_LOGIN_PER_ACCOUNT, windowMs: 15 * 60_000 },
      loginPerIp: { limit: env.RATE_LOGIN_PER_IP, windowMs: 15 * 60_000 },
      registerPerIp: { limit: env.RATE_REGISTER_PER_IP, windowMs: 60 * 60_000 },
      joinPerUser: { limit: env.RATE_JOIN_PER_USER, windowMs: 10 * 60_000 },
      messagesPerUser: { limit: env.RATE_MESSAGES_PER_USER, windowMs: 10_000 },
    },
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment into a frozen Config. In embedded mode without JWT_SECRET, a secret is
 * generated once and kept in DATA_DIR/jwt-secret so sessions survive restarts.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`));
  }
  const env = parsed.data;
  const jwtSecret = env.JWT_SECRET ?? embeddedSecret(resolve(env.DATA_DIR));
  return deepFreeze(toConfig(env, jwtSecret));
}

function embeddedSecret(dataDir: string): string {
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
