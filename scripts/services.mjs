// Throwaway MariaDB and Redis servers for tests and benchmarks: Debian's binaries, data in a temp
// dir, random free ports on 127.0.0.1. Used by scripts/test.mjs, by tests that inject faults
// (they start their own instance so they can stop it) and by the benchmarks.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Debian packages the test suite needs, by the binary (or, for a library, the header file) that
 * proves each is installed. The last four are the link smoke test's network emulation.
 */
export const APT_PACKAGES = {
  mariadbd: "mariadb-server",
  "redis-server": "redis-server",
  opusinfo: "opus-tools",
  ffprobe: "ffmpeg",
  chromium: "chromium",
  "firefox-esr": "firefox-esr",
  "espeak-ng": "espeak-ng",
  nginx: "nginx",
  "docker-compose": "docker-compose",
  ip: "iproute2",
  "iptables-legacy": "iptables",
  gcc: "gcc",
  "/usr/include/libnetfilter_queue/libnetfilter_queue.h": "libnetfilter-queue-dev",
};

const has = (bin) =>
  bin.startsWith("/")
    ? existsSync(bin)
    : spawnSync("sh", ["-c", `command -v ${bin} || test -x /usr/sbin/${bin}`]).status === 0;

/** Installs missing Debian packages with apt-get (root only), or explains what is missing. */
export function ensureAptPackages(bins = Object.keys(APT_PACKAGES)) {
  const missing = bins.filter((b) => !has(b)).map((b) => APT_PACKAGES[b]);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    throw new Error(
      `Missing Debian packages: ${missing.join(" ")}. Install them: sudo apt-get install -y ${missing.join(" ")}`,
    );
  }
  console.log(`[services] installing ${missing.join(" ")} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => spawnSync("apt-get", args, { stdio: "inherit", env });
  let r = run(["install", "-y", "--no-install-recommends", ...missing]);
  if (r.status !== 0) {
    run(["update"]);
    r = run(["install", "-y", "--no-install-recommends", ...missing]);
  }
  if (r.status !== 0) throw new Error(`apt-get install ${missing.join(" ")} failed`);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A free port for a database or Redis the tests start, restart and pause. Taken from 20000–29999,
 * below the kernel's ephemeral range: a service killed and restarted on its port must find it
 * still free, and anything listening on port 0 (the app servers under test) is given an
 * ephemeral port, so it can never take it in between.
 */
async function servicePort() {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.unref();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return freePort();
}

async function waitForPort(port, child, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
}

function stopChild(child, signal = "SIGTERM") {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    child.kill(signal);
  });
}

const findBin = (name) => (has(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name);

/**
 * Starts a throwaway MariaDB. Returns {url, port, stop(), kill(), restart(), pause(), resume()};
 * `url` has no database: callers create their own. `stop` keeps the data dir so `restart` can
 * come back; `pause` (SIGSTOP) makes it hang with its connections open.
 */
export async function startMariaDb({ quiet = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "won-mariadb-"));
  const datadir = join(dir, "data");
  const init = spawnSync(
    findBin("mariadb-install-db"),
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      "--user=root",
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
    ],
    { encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  const port = await servicePort();
  let child;
  const launch = async () => {
    child = spawn(
      findBin("mariadbd"),
      [
        "--no-defaults",
        "--user=root",
        `--datadir=${datadir}`,
        "--bind-address=127.0.0.1",
        `--port=${port}`,
        `--socket=${join(dir, "sock")}`,
        // Its own temp dir: a shared /tmp being tidied by someone else fails queries otherwise.
        `--tmpdir=${tmp}`,
        "--skip-log-bin",
        "--innodb-flush-log-at-trx-commit=2",
        "--max-connections=1000",
        "--innodb-buffer-pool-size=64M",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci",
      ],
      { stdio: quiet ? "ignore" : "inherit" },
    );
    await waitForPort(port, child, "mariadbd");
  };
  await launch();
  return {
    url: `mysql://root@127.0.0.1:${port}`,
    port,
    stop: () => stopChild(child),
    kill: () => stopChild(child, "SIGKILL"),
    restart: launch,
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
    async destroy() {
      child.kill("SIGCONT");
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a throwaway Redis without persistence. Returns {url, port, stop, kill, restart, pause, resume}. */
export async function startRedis({ quiet = true } = {}) {
  const port = await servicePort();
  let child;
  const launch = async () => {
    child = spawn(
      findBin("redis-server"),
      [
        "--bind",
        "127.0.0.1",
        "--port",
        String(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--maxclients",
        "20000",
      ],
      { stdio: quiet ? "ignore" : "inherit" },
    );
    await waitForPort(port, child, "redis-server");
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopChild(child),
    kill: () => stopChild(child, "SIGKILL"),
    restart: launch,
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
    destroy: () => stopChild(child),
  };
}
