/**
 * Configuration: parsed once from the environment, validated, frozen. A bad value stops the
 * process at start with a readable list of every problem. Every option is
 * documented in the README with its default and unit.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { invalidProxyAddresses, type TrustProxy } from "./lib/client-address.js";
import type { TlsSource } from "./lib/tls-certificate.js";
import { embeddedVapidKeys, type VapidKeys } from "./push/vapid.js";

export type { TrustProxy };

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);

/** More proxies than this in front of one server is a typo, not a deployment. */
const MAX_PROXY_HOPS = 20;

/** `true`/`yes` = one hop (a single load balancer), `false`/`no`/`0` = none, `n` = n hops,
 *  anything else a comma-separated list of proxy addresses and CIDR ranges. */
const trustProxy = z.string().transform((raw, ctx): TrustProxy => {
  const value = raw.trim().toLowerCase();
  if (value === "false" || value === "no" || value === "0") return { kind: "none" };
  if (value === "true" || value === "yes") return { kind: "hops", hops: 1 };
  const usage = `must be true, false, a hop count (1–${MAX_PROXY_HOPS}) or a comma-separated list of proxy addresses and CIDR ranges`;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= MAX_PROXY_HOPS) return { kind: "hops", hops };
    ctx.addIssue({ code: "custom", message: `${usage}; ${hops} hops is too many` });
    return z.NEVER;
  }
  const addresses = raw
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  const problems = addresses.length > 0 ? invalidProxyAddresses(addresses) : ["the list is empty"];
  if (problems.length > 0) {
    ctx.addIssue({ code: "custom", message: `${usage}; ${problems.join("; ")}` });
    return z.NEVER;
  }
  return { kind: "addresses", addresses };
});

/** `true`/`yes`/`1` or `false`/`no`/`0`, any case. */
const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(["true", "yes", "1", "false", "no", "0"]))
  .transform((s) => s === "true" || s === "yes" || s === "1");

/** An absolute http(s) URL without path, query or fragment, kept as its origin. */
const publicUrl = z.string().transform((raw, ctx) => {
  let url: URL | null = null;
  try {
    url = new URL(raw.trim());
  } catch {}
  const bare = url && url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  if (!url || !/^https?:$/.test(url.protocol) || !bare) {
    ctx.addIssue({
      code: "custom",
      message: "must be an http:// or https:// URL without a path, e.g. https://10.0.0.5:8000",
    });
    return z.NEVER;
  }
  return url.origin;
});

/** HTTPS from PEM files, a self-signed certificate in DATA_DIR, or plain http. */
function tlsSource(env: z.output<typeof EnvSchema>): TlsSource {
  if (env.TLS_CERT_FILE && env.TLS_KEY_FILE) {
    return { kind: "files", certFile: resolve(env.TLS_CERT_FILE), keyFile: resolve(env.TLS_KEY_FILE) };
  }
  return env.TLS_SELF_SIGNED ? { kind: "self-signed", dataDir: resolve(env.DATA_DIR) } : null;
}

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
    TRUST_PROXY: trustProxy.default({ kind: "none" }),
    MAX_TRANSMISSION_MS: int(1_000, 600_000).default(60_000),
    FLOOR_LEASE_MS: int(500, 30_000).default(3_000),
    PRESENCE_LEASE_MS: int(1_000, 120_000).default(6_000),
    RECORDING_RETENTION_DAYS: int(0, 3_650).default(30),
    RATE_LOGIN_PER_ACCOUNT: int(1, 1_000_000).default(10),
    RATE_LOGIN_PER_ACCOUNT_ADDRESS: int(1, 1_000_000).default(5),
    RATE_LOGIN_SLOWDOWN_MAX_MS: int(0, 30_000).default(3_000),
    RATE_LOGIN_PER_IP: int(1, 1_000_000).default(100),
    RATE_REGISTER_PER_IP: int(1, 1_000_000).default(30),
    RATE_JOIN_PER_USER: int(1, 1_000_000).default(30),
    RATE_INVITE_PREVIEW_PER_IP: int(1, 1_000_000).default(60),
    RATE_MESSAGES_PER_USER: int(1, 1_000_000).default(60),
    RATE_ALERTS_PER_USER: int(1, 1_000_000).default(5),
    ALERT_ESCALATE_S: int(1, 24 * 3600).default(30),
    RATE_HISTORY_PER_USER: int(1, 1_000_000).default(120),
    MAX_SOCKETS_PER_USER: int(1, 10_000).default(20),
    QUOTA_RECORDING_BYTES_PER_USER: int(0, 2 ** 50).default(200 * 1024 * 1024),
    QUOTA_RECORDING_BYTES_PER_EVENT: int(0, 2 ** 50).default(2 * 1024 * 1024 * 1024),
    MAX_EVENTS_PER_USER: int(0, 1_000_000).default(50),
    MAX_CHANNELS_PER_USER: int(0, 1_000_000).default(200),
    TLS_CERT_FILE: z.string().optional(),
    TLS_KEY_FILE: z.string().optional(),
    TLS_SELF_SIGNED: bool.default(false),
    PUBLIC_URL: publicUrl.optional(),
    PUSH_VAPID_PUBLIC_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{80,100}$/, "must be a base64url P-256 public key")
      .optional(),
    PUSH_VAPID_PRIVATE_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{40,50}$/, "must be a base64url P-256 private key")
      .optional(),
    PUSH_SUBJECT: z
      .string()
      .regex(/^(mailto:|https:\/\/)/, "must be a mailto: or https: URL")
      .optional(),
    PUSH_ALLOW_LOOPBACK: bool.default(false),
  })
  .superRefine((env, ctx) => {
    if ((env.DATABASE_URL || env.REDIS_URL) && !env.JWT_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_SECRET"],
        message: "is required when DATABASE_URL or REDIS_URL is set (all instances must share it)",
      });
    }
    if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
      ctx.addIssue({
        code: "custom",
        path: [env.TLS_CERT_FILE ? "TLS_KEY_FILE" : "TLS_CERT_FILE"],
        message: "TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither",
      });
    }
    if (Boolean(env.PUSH_VAPID_PUBLIC_KEY) !== Boolean(env.PUSH_VAPID_PRIVATE_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [env.PUSH_VAPID_PUBLIC_KEY ? "PUSH_VAPID_PRIVATE_KEY" : "PUSH_VAPID_PUBLIC_KEY"],
        message: "PUSH_VAPID_PUBLIC_KEY and PUSH_VAPID_PRIVATE_KEY go together: set both or neither",
      });
    }
    if (env.TLS_SELF_SIGNED && (env.TLS_CERT_FILE || env.TLS_KEY_FILE)) {
      ctx.addIssue({
        code: "custom",
        path: ["TLS_SELF_SIGNED"],
        message: "cannot be combined with TLS_CERT_FILE/TLS_KEY_FILE: choose one certificate",
      });
    }
    for (const name of ["TLS_CERT_FILE", "TLS_KEY_FILE"] as const) {
      const file = env[name];
      if (file && !existsSync(file)) {
        ctx.addIssue({ code: "custom", path: [name], message: `no such file: ${file}` });
      }
    }
  });

export type Config = Readonly<ReturnType<typeof toConfig>>;

function toConfig(env: z.output<typeof EnvSchema>, jwtSecret: string, vapid: VapidKeys | null) {
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
    /** Where the HTTPS certificate comes from; `null` = plain http (lib/tls-certificate.ts). */
    tls: tlsSource(env),
    /** Origin phones use to reach this server (invite links); null = derived per request
     *  (lib/public-url.ts). */
    publicUrl: env.PUBLIC_URL ?? null,
    /** Web Push (push/notifier.ts); `vapid` null = push is off. */
    push: {
      vapid,
      /** VAPID `sub` claim: how a push service reaches the operator. */
      subject: env.PUSH_SUBJECT ?? "mailto:push@operation-won.invalid",
      /** Tests only: also send to http://127.0.0.1 endpoints. */
      allowLoopback: env.PUSH_ALLOW_LOOPBACK,
    },
    /** An alert still unclaimed is re-announced every `escalateMs` (jobs/alert-escalation.ts). */
    alerts: { escalateMs: env.ALERT_ESCALATE_S * 1000 },
    ptt: { maxTransmissionMs: env.MAX_TRANSMISSION_MS, floorLeaseMs: env.FLOOR_LEASE_MS },
    /** A crashed instance's sockets leave presence within about 1.5 × this. */
    presenceLeaseMs: env.PRESENCE_LEASE_MS,
    recordingRetentionDays: env.RECORDING_RETENTION_DAYS,
    /** Authenticated sockets one user may hold on one instance. */
    maxSocketsPerUser: env.MAX_SOCKETS_PER_USER,
    /** Rate limits: `limit` hits per `windowMs`. */
    rates: {
      /** Per login name across addresses: past it, attempts are slowed (commands/login.ts). */
      loginPerAccount: { limit: env.RATE_LOGIN_PER_ACCOUNT, windowMs: 15 * 60_000 },
      /** Per login name and client address: past it, 429. */
      loginPerAccountAddress: { limit: env.RATE_LOGIN_PER_ACCOUNT_ADDRESS, windowMs: 15 * 60_000 },
      /** The longest wait past `loginPerAccount`; 0 = never slowed. */
      loginSlowdownMaxMs: env.RATE_LOGIN_SLOWDOWN_MAX_MS,
      loginPerIp: { limit: env.RATE_LOGIN_PER_IP, windowMs: 15 * 60_000 },
      registerPerIp: { limit: env.RATE_REGISTER_PER_IP, windowMs: 60 * 60_000 },
      joinPerUser: { limit: env.RATE_JOIN_PER_USER, windowMs: 10 * 60_000 },
      /** Invite previews (signed-out landing page) per client address per 10 minutes. */
      invitePreviewPerIp: { limit: env.RATE_INVITE_PREVIEW_PER_IP, windowMs: 10 * 60_000 },
      messagesPerUser: { limit: env.RATE_MESSAGES_PER_USER, windowMs: 10_000 },
      /** History reads (REST pages and socket replays) per user per minute. */
      historyPerUser: { limit: env.RATE_HISTORY_PER_USER, windowMs: 60_000 },
      /** New alerts raised per user per 10 minutes (returning an open one does not count). */
      alertsPerUser: { limit: env.RATE_ALERTS_PER_USER, windowMs: 10 * 60_000 },
      /** Location reports per alert: one per 2 s; more are refused with 429 and Retry-After. */
      alertLocation: { limit: 1, windowMs: 2_000 },
    },
    /** Per-user and per-event holdings (commands/storage-quota.ts); 0 = unlimited. */
    quotas: {
      recordingBytesPerUser: env.QUOTA_RECORDING_BYTES_PER_USER,
      recordingBytesPerEvent: env.QUOTA_RECORDING_BYTES_PER_EVENT,
      eventsPerUser: env.MAX_EVENTS_PER_USER,
      channelsPerUser: env.MAX_CHANNELS_PER_USER,
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
  const vapid: VapidKeys | null =
    env.PUSH_VAPID_PUBLIC_KEY && env.PUSH_VAPID_PRIVATE_KEY
      ? { publicKey: env.PUSH_VAPID_PUBLIC_KEY, privateKey: env.PUSH_VAPID_PRIVATE_KEY }
      : env.DATABASE_URL
        ? null
        : embeddedVapidKeys(resolve(env.DATA_DIR));
  return deepFreeze(toConfig(env, jwtSecret, vapid));
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
