// Everything the benchmark measures, started by the benchmark itself on 127.0.0.1: a throwaway
// MariaDB and Redis (scripts/services.mjs), two Operation Won instances as child processes,
// the raw `ws` ceiling relay and two Socket.IO peer instances; plus the REST seeding of users,
// events and channels.
import { fork, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createConnection } from "mysql2/promise";
import { freePort, startMariaDb, startRedis } from "../../scripts/services.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const JWT_SECRET = `bench-${randomBytes(24).toString("hex")}`;
const HIGH = "1000000";

/** Child processes to stop at the end, newest first. */
const children = [];

export async function startBacking() {
  const [db, redis] = await Promise.all([startMariaDb(), startRedis()]);
  const conn = await createConnection(db.url);
  await conn.query("CREATE DATABASE won_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  await conn.end();
  return {
    db,
    redis,
    databaseUrl: `${db.url}/won_bench`,
    redisPid: pidOnPort(redis.port),
    dbPid: pidOnPort(db.port),
  };
}

/** The pid listening on a port of 127.0.0.1 (to sample MariaDB and Redis, which services.mjs spawns). */
function pidOnPort(port) {
  try {
    const out = spawnSyncText("ss", ["-Hltnp", `sport = :${port}`]);
    return Number(/pid=(\d+)/.exec(out)?.[1]) || null;
  } catch {
    return null;
  }
}

const spawnSyncText = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" }).stdout ?? "";

/** Starts one Operation Won instance (apps/server/dist/main.js); resolves once /readyz says 200. */
export async function startOurs(name, backing) {
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: backing.databaseUrl,
    DATABASE_POOL_SIZE: "20",
    REDIS_URL: backing.redis.url,
    REDIS_PREFIX: "bench:",
    JWT_SECRET,
    LOG_LEVEL: "warn",
    WEB_DIST_DIR: "/nonexistent",
    ACCESS_TOKEN_TTL_S: "86400",
    MAX_TRANSMISSION_MS: "600000",
    RATE_LOGIN_PER_IP: HIGH,
    RATE_LOGIN_PER_ACCOUNT: HIGH,
    RATE_LOGIN_PER_ACCOUNT_ADDRESS: HIGH,
    RATE_REGISTER_PER_IP: HIGH,
    RATE_JOIN_PER_USER: HIGH,
    RATE_MESSAGES_PER_USER: HIGH,
    // One organiser creates all 210 channels and holds every floor: no per-user limits.
    MAX_CHANNELS_PER_USER: "0",
    QUOTA_RECORDING_BYTES_PER_USER: "0",
    QUOTA_RECORDING_BYTES_PER_EVENT: "0",
    // Listener sockets share 20 users' tokens round-robin: up to 19,000 sockets on one account
    // would hit the per-user socket cap (4409) long before any load limit.
    MAX_SOCKETS_PER_USER: "10000",
  };
  // --profile: V8 CPU profiles of our instances, written on exit to bench/results/profiles.
  const profile = process.argv.includes("--profile")
    ? [
        "--cpu-prof",
        `--cpu-prof-dir=${join(ROOT, "bench/results/profiles")}`,
        `--cpu-prof-name=${name}.cpuprofile`,
      ]
    : [];
  const child = spawn(process.execPath, [...profile, join(ROOT, "apps/server/dist/main.js")], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr.on("data", (d) => process.stderr.write(`[${name}] ${d}`));
  children.unshift(child);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { name, pid: child.pid, base, ws: `ws://127.0.0.1:${port}/api/v1/realtime`, child };
    await sleep(100);
  }
  throw new Error(`${name} was not ready within 60 s`);
}

/** Starts a peer baseline script from bench/peers with IPC; resolves with its port once listening. */
export async function startPeer(name, script, env = {}) {
  const port = await freePort();
  const child = fork(join(ROOT, "bench/peers", script), [], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  child.stderr.on("data", (d) => process.stderr.write(`[${name}] ${d}`));
  children.unshift(child);
  await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`${name} exited with code ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    name,
    pid: child.pid,
    base,
    ws: script.startsWith("sio") ? base : `ws://127.0.0.1:${port}/`,
    child,
  };
}

export async function stopChildren() {
  await Promise.all(
    children.splice(0).map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const t = setTimeout(() => c.kill("SIGKILL"), 12_000);
          c.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
          c.kill("SIGTERM");
        }),
    ),
  );
}

/** JSON over REST against one of our instances; throws on an unexpected status. */
export async function api(base, method, path, { token, body, expect = [200, 201, 204] } = {}) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!expect.includes(res.status))
    throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return json;
}

let userSeq = 0;
export async function registerUser(base, prefix = "bench") {
  const username = `${prefix}_${++userSeq}_${randomBytes(3).toString("hex")}`;
  const r = await api(base, "POST", "/auth/register", {
    body: { username, email: `${username}@bench.test`, password: "bench-password-123" },
  });
  return { id: r.user.id, username, token: r.accessToken };
}

/** Runs `fn` over `items` with at most `n` at once. */
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/**
 * The data every scenario uses, created over REST on instance A:
 * - event "fan-out" with channels `fanout`, `chat` and 8 fillers (so `GET /channels` returns 10),
 *   `listenerUsers` members (sockets share their tokens round-robin: presence is per user);
 * - event "many" with `manyChannels` channels, `manyUsers` members.
 * The organiser holds every floor.
 */
export async function seed(base, { listenerUsers = 20, manyChannels = 200, manyUsers = 20 } = {}) {
  const organiser = await registerUser(base, "org");
  const ev = await api(base, "POST", "/events", { token: organiser.token, body: { name: "Bench fan-out" } });
  const mk = (name, eventId) =>
    api(base, "POST", "/channels", { token: organiser.token, body: { name, eventId } });
  const fanout = await mk("fanout", ev.id);
  const chat = await mk("chat", ev.id);
  for (let i = 0; i < 8; i++) await mk(`filler ${i}`, ev.id);
  const { inviteCode } = await api(base, "POST", `/events/${ev.id}/invite-code`, { token: organiser.token });
  const users = await pool(Array.from({ length: listenerUsers }), 4, async () => {
    const u = await registerUser(base, "lis");
    await api(base, "POST", "/join", { token: u.token, body: { code: inviteCode } });
    return u;
  });

  const ev2 = await api(base, "POST", "/events", {
    token: organiser.token,
    body: { name: "Bench many channels" },
  });
  const many = await pool(Array.from({ length: manyChannels }), 8, (_, i) => mk(`many ${i}`, ev2.id));
  const code2 = (await api(base, "POST", `/events/${ev2.id}/invite-code`, { token: organiser.token }))
    .inviteCode;
  const manyListeners = await pool(Array.from({ length: manyUsers }), 4, async () => {
    const u = await registerUser(base, "many");
    await api(base, "POST", "/join", { token: u.token, body: { code: code2 } });
    return u;
  });
  return {
    organiser,
    fanoutChannel: fanout.id,
    chatChannel: chat.id,
    users,
    manyChannelIds: many.map((c) => c.id),
    manyUsers: manyListeners,
  };
}
