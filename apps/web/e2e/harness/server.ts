/**
 * Starts the built server (apps/server/dist/main.js) as a child process on a free port and waits
 * until it answers /healthz. Each instance gets its own env; stop() ends it (SIGTERM, then SIGKILL).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { get as httpsGet } from "node:https";
import net from "node:net";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const SERVER_MAIN = `${ROOT}apps/server/dist/main.js`;
export const WEB_DIST = `${ROOT}apps/web/dist`;

export const serverBuilt = () => existsSync(SERVER_MAIN) && existsSync(`${WEB_DIST}/index.html`);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether `/healthz` answers 200. Over https this only asks whether the server is up, so it
 *  does not check the (self-signed) certificate; tests check it where it matters. */
async function healthy(url: string): Promise<boolean> {
  if (url.startsWith("http:")) return (await fetch(`${url}/healthz`)).ok;
  return new Promise((resolve, reject) => {
    httpsGet(`${url}/healthz`, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on("error", reject);
  });
}

export interface RunningServer {
  url: string;
  port: number;
  log: () => string;
  stop: () => Promise<void>;
}

export async function startServer(
  env: Record<string, string>,
  opts: { port?: number; timeoutMs?: number; tls?: boolean } = {},
): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let out = "";
  const child: ChildProcess = spawn(process.execPath, [SERVER_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      HOST: "127.0.0.1",
      WEB_DIST_DIR: WEB_DIST,
      ...env,
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    out = (out + d).slice(-20_000);
  });
  child.stderr?.on("data", (d) => {
    out = (out + d).slice(-20_000);
  });
  const url = `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${out}`);
    try {
      if (await healthy(url)) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become healthy in ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    log: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
        child.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
