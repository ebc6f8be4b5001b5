// `npm run bench [-- --quick] [-- --only=fanout,channels,idle,chat,rest,link,datagram] [-- --ns=2500]`
// (datagram, the WebRTC data-channel evaluation, runs only when named in --only)
// `[-- --link-builds=name:webDistDir,…] [-- --link-impair=listener|speaker|both]`
// `[-- --link-profiles=key,…] [-- --link-runs=N]`
//
// Starts everything it measures on 127.0.0.1 (throwaway MariaDB + Redis, two Operation Won
// instances, the raw-ws ceiling relay, two Socket.IO + Redis-adapter peers), drives them with the
// same generator processes and frames, writes bench/results/<scenario>.json and renders
// bench/results/latest.md with SVG charts. Bounded: every scenario has fixed counts and durations
// and the whole run has a hard deadline. The link section (scenarios/link.mjs) starts its own
// embedded servers and network namespaces and needs none of the above.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openCounters } from "./lib/counters.mjs";
import { DRAIN, log, QUIET } from "./lib/measure.mjs";
import { seed, startBacking, startOurs, startPeer, stopChildren } from "./lib/stack.mjs";
import { startWorkers } from "./lib/workers.mjs";
import { render } from "./report.mjs";
import { manyChannels } from "./scenarios/channels.mjs";
import { chat } from "./scenarios/chat.mjs";
import { datagram } from "./scenarios/datagram.mjs";
import { fanout } from "./scenarios/fanout.mjs";
import { idleConnections } from "./scenarios/idle.mjs";
import { LINK_PROFILES, linkScenario } from "./scenarios/link.mjs";
import { rest } from "./scenarios/rest.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, "results");
const quick = process.argv.includes("--quick");
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const want = (s) => !only || only.includes(s);
const onlyTargets = process.argv
  .find((a) => a.startsWith("--targets="))
  ?.slice(10)
  .split(",");
const argValue = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const LOAD_SCENARIOS = ["fanout", "channels", "idle", "chat", "rest", "datagram"];

/** Scenario parameters: the full run fits ~15 minutes on a 2-core machine, --quick ~2. */
const PLAN = quick
  ? {
      fanout: { ns: [100, 500], durationMs: 2_000, search: null, preframed: false },
      channels: { channels: 50, durationMs: 2_000 },
      idle: { steps: [1_500], probeMs: 1_500, sample: 60 },
      chat: { rates: [100, 300], durationMs: 1_500 },
      rest: { durationS: 2, connections: 32 },
      datagram: { ns: [50], durationMs: 2_000 },
      link: {
        profiles: ["clean", "loss5-delay80"],
        runs: 1,
        speechMs: 10_000,
        drainMs: 3_000,
        quietWaitMs: 0,
      },
      deadlineMs: 8 * 60_000,
      quiet: { maxWaitMs: 0, maxForeignPct: 50 },
      drainMs: 1_000,
    }
  : {
      fanout: {
        ns: [100, 1_000, 2_500],
        durationMs: 20_000,
        search: { maxSteps: 3, durationMs: 10_000, cap: 8_000 },
        preframed: true,
      },
      channels: { channels: 200, durationMs: 15_000 },
      idle: { steps: [1_000, 5_000, 10_000, 19_000], probeMs: 5_000, sample: 150 },
      chat: { rates: [100, 300, 1_000, 2_000], durationMs: 5_000 },
      rest: { durationS: 10, connections: 32 },
      datagram: { ns: [50, 100, 200, 400], durationMs: 10_000 },
      // 6 profiles × 2 runs × 2 builds × ~28 s ≈ 11.5 min (+ up to 2 s per run waiting for quiet).
      link: {
        profiles: LINK_PROFILES.map((p) => p.key),
        runs: 2,
        speechMs: 22_000,
        drainMs: 3_000,
        quietWaitMs: 2_000,
      },
      deadlineMs: 40 * 60_000,
      quiet: { maxWaitMs: 10_000, maxForeignPct: 50 },
      drainMs: 1_500,
    };

// --ns=2500,4000: fan-out at just these listener counts, no search (for before/after checks).
const ns = process.argv.find((a) => a.startsWith("--ns="));
if (ns) PLAN.fanout = { ...PLAN.fanout, ns: ns.slice(5).split(",").map(Number), search: null };
// --link-profiles=loss5-delay80,loss10 and --link-runs=3: just these profiles, this many runs each.
const linkProfiles = argValue("link-profiles")?.split(",");
if (linkProfiles) {
  const unknown = linkProfiles.filter((k) => !LINK_PROFILES.some((p) => p.key === k));
  if (unknown.length) throw new Error(`unknown link profile ${unknown.join(", ")}`);
  PLAN.link.profiles = linkProfiles;
}
if (argValue("link-runs")) PLAN.link.runs = Math.max(1, Math.min(10, Number(argValue("link-runs")) || 1));
PLAN.link.impair = argValue("link-impair") ?? "listener";
PLAN.link.builds = argValue("link-builds");
if (!["listener", "speaker", "both"].includes(PLAN.link.impair))
  throw new Error("--link-impair must be listener, speaker or both");

function machine() {
  const cpus = os.cpus();
  const ver = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" }).stdout?.trim().split("\n")[0] ?? "?";
  return {
    cpu: `${cpus[0]?.model ?? "?"} × ${cpus.length}`,
    memoryGB: Math.round(os.totalmem() / 1e9),
    os: `${os.type()} ${os.release()}`,
    distro: ver("sh", ["-c", ". /etc/os-release && echo $PRETTY_NAME"]),
    node: process.version,
    mariadb: ver("/usr/sbin/mariadbd", ["--version"]).replace(/^.*Ver\s+/, ""),
    redis: ver("redis-server", ["--version"]),
    fdLimit: ver("sh", ["-c", "ulimit -n"]),
    commit: ver("git", ["rev-parse", "--short", "HEAD"]),
    uncommittedServerFiles: spawnSync(
      "git",
      ["status", "--short", "apps/server/src", "packages/protocol/src"],
      { encoding: "utf8" },
    )
      .stdout.trim()
      .split("\n")
      .filter(Boolean),
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

async function main() {
  const started = Date.now();
  mkdirSync(RESULTS, { recursive: true });
  Object.assign(QUIET, PLAN.quiet);
  DRAIN.ms = PLAN.drainMs;
  const deadline = setTimeout(() => {
    console.error(`[bench] hard deadline of ${PLAN.deadlineMs / 60_000} min reached; stopping`);
    cleanup().finally(() => process.exit(2));
  }, PLAN.deadlineMs);
  deadline.unref();

  // A private temp dir for everything we start (MariaDB puts its temp tables in $TMPDIR; a
  // shared /tmp with other jobs' cleanups has made it fail).
  const tmp = mkdtempSync(join(os.tmpdir(), "won-bench-"));
  process.env.TMPDIR = tmp;
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  const meta = {
    quick,
    startedAt: new Date(started).toISOString(),
    machine: machine(),
    plan: PLAN,
  };
  const write = (name, data) =>
    writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify({ meta, ...data }, null, 2)}\n`);
  if (LOAD_SCENARIOS.some(want)) await loadScenarios(meta, write);
  if (want("link")) {
    log(
      `scenario link: mouth-to-ear through the web client over emulated links (${PLAN.link.impair} impaired)`,
    );
    const result = await linkScenario(PLAN.link, cleanups);
    if (result.skipped) log(`  link: skipped: ${result.skipped}`);
    write("link", result);
  }
  meta.finishedAt = new Date().toISOString();
  meta.durationS = Math.round((Date.now() - started) / 1000);
  // A partial run (--only/--targets) refreshes its scenarios' files but not the full run's record.
  if (!only && !onlyTargets) writeFileSync(join(RESULTS, "run.json"), `${JSON.stringify(meta, null, 2)}\n`);
  await cleanup();
  // README figures come from complete full runs; re-render by hand after a partial re-run.
  const report = render(RESULTS, { readme: !quick && !only && !onlyTargets });
  log(`done in ${meta.durationS} s; report: ${report}`);
}

/** The load scenarios: MariaDB, Redis, our two instances and the baselines, one generator. */
async function loadScenarios(meta, write) {
  log(`mode: ${quick ? "quick" : "full"}; starting MariaDB, Redis, servers and peers`);
  const backing = await startBacking();
  cleanups.push(
    () => backing.db.destroy(),
    () => backing.redis.destroy(),
  );
  const a = await startOurs("won-a", backing);
  const b = await startOurs("won-b", backing);
  const ceiling = await startPeer("raw-ws", "raw-relay.mjs");
  const ceilingPre = await startPeer("raw-ws-preframed", "raw-relay.mjs", { PREFRAME: "1" });
  const sioA = await startPeer("sio-a", "sio-relay.mjs", {
    REDIS_URL: backing.redis.url,
    REDIS_PREFIX: "sio-bench",
  });
  const sioB = await startPeer("sio-b", "sio-relay.mjs", {
    REDIS_URL: backing.redis.url,
    REDIS_PREFIX: "sio-bench",
  });
  const server = (p) => ({ name: p.name, pid: p.pid, role: "server" });
  const targets = [
    {
      key: "ceiling",
      label: "raw ws relay (ceiling)",
      proto: "raw",
      urls: [ceiling.ws],
      bases: [ceiling.base],
      procs: [server(ceiling)],
    },
    {
      key: "peer",
      label: "Socket.IO + Redis adapter ×2 (peer)",
      proto: "sio",
      urls: [sioA.ws, sioB.ws],
      bases: [sioA.base, sioB.base],
      procs: [server(sioA), server(sioB)],
    },
    {
      key: "ours",
      label: "Operation Won ×2 (MariaDB + Redis)",
      proto: "won",
      urls: [a.ws, b.ws],
      bases: [a.base, b.base],
      procs: [server(a), server(b)],
    },
  ];
  /** Fan-out only, fixed N only: the ceiling with frames built once (what docs/architecture.md recommends). */
  const preframed = {
    key: "preframed",
    label: "raw ws relay, frame built once (ceiling variant)",
    proto: "raw",
    urls: [ceilingPre.ws],
    bases: [ceilingPre.base],
    procs: [server(ceilingPre)],
  };

  const run = onlyTargets ? targets.filter((t) => onlyTargets.includes(t.key)) : targets;
  log("seeding users, events and channels over REST");
  const seedData = await seed(a.base, {
    listenerUsers: 20,
    manyChannels: PLAN.channels.channels,
    manyUsers: 20,
  });
  const w = startWorkers(3);
  cleanups.unshift(() => w.stop());
  const aux = [
    { name: "redis", pid: backing.redisPid, role: "redis" },
    { name: "mariadb", pid: backing.dbPid, role: "db" },
  ];
  const counters = await openCounters(backing.databaseUrl, backing.redis.url);
  cleanups.unshift(() => counters.close());
  const ctx = { w, seedData, aux, counters };
  meta.targets = targets.map(({ key, label }) => ({ key, label }));

  if (want("fanout")) {
    log("scenario fan-out: 1 speaker → N listeners");
    const results = [];
    for (const t of run) results.push(await fanout(ctx, t, PLAN.fanout));
    if (PLAN.fanout.preframed && (!onlyTargets || onlyTargets.includes("preframed")))
      results.push(await fanout(ctx, preframed, { ...PLAN.fanout, search: null }));
    write("fanout", { results });
  }
  if (want("channels")) {
    log(`scenario many channels: ${PLAN.channels.channels} × (1 speaker + 5 listeners)`);
    const results = [];
    for (const t of run) results.push(await manyChannels(ctx, t, PLAN.channels));
    write("channels", { results });
  }
  if (want("idle")) {
    log("scenario idle connections (one instance each)");
    const results = [];
    for (const t of run) results.push(await idleConnections(ctx, t, PLAN.idle));
    write("idle", { results });
  }
  if (want("chat")) {
    log("scenario chat: REST posts → 10 listeners");
    const results = [];
    for (const t of run) results.push(await chat(ctx, t, PLAN.chat));
    write("chat", { results });
  }
  if (want("rest")) {
    log("scenario REST (autocannon, Operation Won only)");
    write("rest", { results: [await rest(ctx, targets[2], PLAN.rest)] });
  }
  if (only?.includes("datagram")) {
    log("scenario datagram: fan-out over WebRTC data channels vs WebSocket");
    const wsTargets = targets.filter((t) => t.key === "ceiling" || t.key === "ours");
    const pick = (key) => !onlyTargets || onlyTargets.includes(key);
    write("datagram", { results: await datagram(ctx, wsTargets, PLAN.datagram, pick) });
  }
}

const cleanups = [stopChildren];
let cleaning = null;
/** Stops everything this run started, once; later calls wait for the same cleanup. */
function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.splice(0)) await Promise.resolve(fn()).catch(() => undefined);
  })();
  return cleaning;
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.once(sig, () => {
    console.error(`[bench] ${sig}: stopping everything this run started`);
    cleanup().finally(() => process.exit(130));
  });
}

main().catch(async (err) => {
  console.error(err);
  await cleanup();
  process.exit(1);
});
