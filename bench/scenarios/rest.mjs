// REST under load with autocannon (its own process): `GET /channels` (10 channels) and a page of
// message history (`?limit=50` of the chat channel), on one instance.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { log } from "../lib/measure.mjs";
import { cpuOf, ProcSampler } from "../lib/proc.mjs";

const AUTOCANNON = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../node_modules/autocannon/autocannon.js",
);

function autocannon(url, token, { connections, durationS }) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        AUTOCANNON,
        "-j",
        "-c",
        String(connections),
        "-d",
        String(durationS),
        "-H",
        `authorization=Bearer ${token}`,
        url,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      try {
        resolve({ result: JSON.parse(out) });
      } catch {
        reject(new Error(`autocannon exited ${code}: ${out.slice(0, 200)}`));
      }
    });
  });
}

export async function rest(ctx, target, { durationS, connections }) {
  const { seedData } = ctx;
  const token = seedData.users[0].token;
  const endpoints = [
    { name: "GET /channels", path: "/api/v1/channels" },
    {
      name: "GET /channels/:id/messages?limit=50",
      path: `/api/v1/channels/${seedData.chatChannel}/messages?limit=50`,
    },
  ];
  const rows = [];
  for (const e of endpoints) {
    const sampler = new ProcSampler([...target.procs.slice(0, 1), ...ctx.aux]);
    sampler.start();
    const t0 = performance.now();
    const { result: r } = await autocannon(`${target.bases[0]}${e.path}`, token, { connections, durationS });
    const procs = sampler.stop();
    const wallMs = performance.now() - t0;
    const ok = r.requests.total - r.non2xx;
    const row = {
      endpoint: e.name,
      connections,
      durationS,
      requestsPerSec: Math.round(r.requests.average),
      total: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
      serverCpuPct: Math.round((cpuOf(procs, "server") / (wallMs * 1000)) * 1000) / 10,
      dbCpuPct: Math.round((cpuOf(procs, "db") / (wallMs * 1000)) * 1000) / 10,
      cpuUsPerRequest: ok ? Math.round(cpuOf(procs, "server") / ok) : null,
    };
    rows.push(row);
    log(
      `  ${e.name}: ${row.requestsPerSec} req/s p50=${row.latencyMs.p50}ms p99=${row.latencyMs.p99}ms non2xx=${r.non2xx} server=${row.serverCpuPct}% db=${row.dbCpuPct}%`,
    );
  }
  return { target: target.key, rows };
}
