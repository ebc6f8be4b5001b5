// Mouth-to-ear over an emulated bad link, through the real web client: for each build of the
// client and each link profile, a speaker holds the talk button for `speechMs` of a generated
// speech-like signal and a listener plays it; both pages are measured from the outside
// (bench/link/probe.mjs). See bench/README.md "Link emulation".
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../../scripts/services.mjs";
import { log, waitForQuiet } from "../lib/measure.mjs";
import { cpuUs, systemCpuUs } from "../lib/proc.mjs";
import { analyseRun } from "../link/analyse.mjs";
import { linkBuilds } from "../link/builds.mjs";
import { buildEmulator, missingRequirements, PageLink, removeStale } from "../link/netns.mjs";
import { openPage, seedPair, startEmbedded, transmit, waitSocket } from "../link/session.mjs";
import { makeSource, writeWav } from "../link/signal.mjs";

/** Link profiles, each applied to both directions of the impaired page's link ("each way"). */
export const LINK_PROFILES = [
  { key: "clean", label: "clean", link: null },
  { key: "loss2", label: "2 % loss", link: { lossPct: 2 } },
  { key: "loss2-delay50", label: "2 % loss + 50 ± 20 ms", link: { lossPct: 2, delayMs: 50, jitterMs: 20 } },
  { key: "loss5-delay80", label: "5 % loss + 80 ± 40 ms", link: { lossPct: 5, delayMs: 80, jitterMs: 40 } },
  { key: "loss10", label: "10 % loss", link: { lossPct: 10 } },
  { key: "rate32", label: "32 kbit/s", link: { rateKbit: 32, limitPackets: 50, limitMs: 250 } },
];

/** The targets the report marks as met or missed; `profile` null = every good-link profile. */
export const LINK_TARGETS = [
  { profile: "clean", metric: "p95", max: 100, label: "good link: p95 ≤ 100 ms" },
  { profile: "loss5-delay80", metric: "playedPct", min: 95, label: "5 %+80±40 ms: ≥ 95 % played" },
  { profile: "loss5-delay80", metric: "silencePer30s", max: 1, label: "≤ 1 s silence per 30 s" },
  { profile: "loss5-delay80", metric: "p95", max: 400, label: "p95 ≤ 400 ms" },
  { profile: "loss5-delay80", metric: "correlation", min: 0.9, label: "corr ≥ 0.9" },
  { profile: "loss10", metric: "playedPct", min: 95, label: "10 % loss: ≥ 95 % played" },
];

const median = (v) => {
  const s = v.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (v) => {
  const s = v.filter((x) => x !== null && x !== undefined);
  return s.length ? [Math.min(...s), Math.max(...s)] : null;
};

/** The headline numbers of one run, flat, for medians and the table. */
const headline = (r) => ({
  playedPct: r.playedPct ?? r.playedPctFromPcm,
  silencePer30s: r.silence.secondsPer30s,
  p50: r.latencyMs.p50,
  p95: r.latencyMs.p95,
  max: r.latencyMs.max,
  correlation: r.correlation,
  otherCpuPct: r.otherCpuPct,
});

/**
 * Runs the link section. `plan`: {profiles (keys), runs, speechMs, drainMs, quietWaitMs (how long
 * a run may wait for other jobs to go below 50 % of a core), impair ("listener", "speaker" or
 * "both"), builds (the --link-builds value or undefined)}. `cleanups`: the run's
 * cleanup list (teardown is registered there too, so SIGINT removes namespaces and emulators).
 * Returns `{skipped}` when the machine cannot run it.
 */
export async function linkScenario(plan, cleanups) {
  const missing = missingRequirements();
  if (missing.length) return { skipped: missing.join("; ") };
  let emulator;
  try {
    emulator = buildEmulator();
  } catch (e) {
    return { skipped: e.message };
  }
  const tmp = mkdtempSync(join(os.tmpdir(), "won-link-"));
  const dropTmp = () => {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(emulator.dir, { recursive: true, force: true });
  };
  cleanups.unshift(dropTmp);
  let builds;
  try {
    builds = linkBuilds(plan.builds);
  } catch (e) {
    return { skipped: `web client builds: ${e.message}` };
  }
  const wav = join(tmp, "speech.wav");
  writeWav(wav, makeSource().pcm);
  removeStale();
  const port = await freePort();
  const links = {
    speaker: new PageLink("spk", 1, emulator.bin, port),
    listener: new PageLink("lis", 2, emulator.bin, port),
  };
  const teardown = async () => {
    for (const l of Object.values(links)) await l.close();
  };
  cleanups.unshift(teardown);
  const profiles = LINK_PROFILES.filter((p) => plan.profiles.includes(p.key));
  const impaired = plan.impair === "both" ? ["speaker", "listener"] : [plan.impair];
  const results = [];
  try {
    for (const l of Object.values(links)) l.up();
    for (const build of builds) {
      log(`  build "${build.name}" (${build.dir})`);
      let server = null;
      const pages = [];
      const closePages = async () => {
        for (const p of pages.splice(0)) await p.browser.close().catch(() => {});
      };
      cleanups.unshift(closePages);
      try {
        server = await startEmbedded(build.dir, port);
        cleanups.unshift(server.stop);
        const seed = await seedPair(server.base);
        for (const [role, probe] of [
          ["speaker", "mouth"],
          ["listener", "ear"],
        ]) {
          const l = links[role];
          pages.push(
            await openPage({
              wrapper: l.chromiumWrapper(tmp),
              origin: `http://${l.hostIp}:${port}`,
              wav,
              auth: seed[role],
              channelId: seed.channelId,
              role: probe,
              maxS: Math.ceil(plan.speechMs / 1000) + 30,
            }),
          );
        }
        const [speaker, listener] = pages;
        // The first transmission of a page load creates the decoder, the encoder and the worklets
        // and warms the JIT; it is not what a steward hears all day, so it is not measured.
        await transmit(speaker, listener, { speechMs: 2_000, drainMs: 1_500 }).catch((e) =>
          log(`    warm-up transmission failed: ${e.message}`),
        );
        for (const profile of profiles) {
          const runs = [];
          for (let i = 0; i < plan.runs; i++)
            runs.push(
              await oneRun({ links, impaired, profile, i, plan, speaker, listener, serverPid: server.pid }),
            );
          const ok = runs.filter((r) => !r.error).map(headline);
          const summary = {};
          for (const k of ["playedPct", "silencePer30s", "p50", "p95", "max", "correlation", "otherCpuPct"])
            summary[k] = { median: median(ok.map((r) => r[k])), range: range(ok.map((r) => r[k])) };
          results.push({ build: build.name, profile: profile.key, runs, summary });
        }
      } catch (e) {
        // A build that cannot be set up (pages, sign-in) is reported, and the next one still runs.
        log(`  build "${build.name}" failed: ${e.message}`);
        for (const profile of profiles)
          if (!results.some((r) => r.build === build.name && r.profile === profile.key))
            results.push({
              build: build.name,
              profile: profile.key,
              runs: [],
              summary: {},
              error: e.message,
            });
      } finally {
        await closePages();
        await server?.stop();
      }
    }
  } finally {
    await teardown();
  }
  return {
    builds: builds.map(({ name, dir, commit }) => ({ name, dir, commit: commit ?? null })),
    profiles: profiles.map(({ key, label, link }) => ({ key, label, link })),
    impaired,
    speechMs: plan.speechMs,
    runsPerProfile: plan.runs,
    targets: LINK_TARGETS,
    results,
  };
}

/**
 * CPU used by processes this run did not start, in % of one core, between two `cpuSnapshot()`s:
 * machine busy time minus the pages' namespaces (Chromium, emulators), the server and the bench.
 */
function cpuSnapshot(links, serverPid) {
  const pids = [process.pid, serverPid, ...Object.values(links).flatMap((l) => l.pids())];
  return {
    at: performance.now(),
    sys: systemCpuUs(),
    own: pids.reduce((a, p) => a + (cpuUs(p) ?? 0), 0),
    pids,
  };
}
function foreignPct(a) {
  const sys = systemCpuUs();
  // The pids of the start: a renderer that comes and goes in between counts as foreign.
  const own = a.pids.reduce((s, p) => s + (cpuUs(p) ?? 0), 0) - a.own;
  const wallUs = (performance.now() - a.at) * 1000;
  return Math.max(0, Math.round(((sys.busy - a.sys.busy - own) / wallUs) * 1000) / 10);
}

async function oneRun({ links, impaired, profile, i, plan, speaker, listener, serverPid }) {
  const t0 = Date.now();
  try {
    for (const role of impaired)
      await links[role].impair(profile.link ? { up: profile.link, down: profile.link } : null, 100 * i + 1);
    await sleep(1_000);
    await Promise.all([waitSocket(speaker.page, 30_000), waitSocket(listener.page, 30_000)]);
    // Other jobs on a shared machine starve the pages: give them a (bounded) chance to pause.
    const ours = [process.pid, serverPid, ...Object.values(links).flatMap((l) => l.pids())];
    const quiet = await waitForQuiet(ours, { maxWaitMs: plan.quietWaitMs, maxForeignPct: 50 });
    const cpu0 = cpuSnapshot(links, serverPid);
    const tx = await transmit(speaker, listener, { speechMs: plan.speechMs, drainMs: plan.drainMs });
    const otherCpuPct = foreignPct(cpu0);
    const emulators = {};
    for (const role of impaired) emulators[role] = await links[role].stopEmulators();
    const r = analyseRun(tx);
    r.emulators = emulators;
    r.otherCpuPct = otherCpuPct;
    r.quietWaitMs = quiet.waitedMs;
    r.wallS = Math.round((Date.now() - t0) / 100) / 10;
    const h = headline(r);
    log(
      `    ${profile.label} #${i + 1}: played ${h.playedPct} %, silence ${h.silencePer30s} s/30 s, p50/p95/max ${h.p50}/${h.p95}/${h.max} ms, corr ${h.correlation} (onsets ${r.onsetsHeard}/${r.onsets}; other ${otherCpuPct} %)`,
    );
    return r;
  } catch (e) {
    for (const role of impaired) await links[role].stopEmulators();
    log(`    ${profile.label} #${i + 1}: failed: ${e.message}`);
    return { error: e.message, wallS: Math.round((Date.now() - t0) / 100) / 10 };
  }
}
