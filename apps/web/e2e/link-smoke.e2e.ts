/**
 * The link bench's smoke run: the real web client through the emulated bad link of
 * `npm run bench -- --only=link`, short, on this build only. A speaker's page talks 8 s to a
 * listener whose link is first clean, then 5 % loss + 80 ± 40 ms each way (a user-space emulator
 * on NFQUEUE in the listener's own network namespace). It checks that the emulation really
 * applies (packets lost, latency up by the delay) and that the audio gets through it: over TCP
 * every frame arrives, and the listener plays most of it. The numbers that matter (p95, silence,
 * played % against the targets) come from the full bench on a quiet machine; here the machine is
 * shared with the other suites, so the bounds are loose.
 *
 * Needs root (network namespaces, iptables) and the packages `npm test` installs.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { linkScenario } from "../../../bench/scenarios/link.mjs";

const dist = fileURLToPath(new URL("../dist", import.meta.url));
const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)("link smoke: the web client over an emulated bad link", () => {
  it("gets the audio through a clean link and through 5 % loss + 80 ± 40 ms", async () => {
    const cleanups: (() => unknown)[] = [];
    try {
      const r = await linkScenario(
        {
          profiles: ["clean", "loss5-delay80"],
          runs: 1,
          speechMs: 8_000,
          drainMs: 3_000,
          quietWaitMs: 0,
          impair: "listener",
          builds: `new:${dist}`,
        },
        cleanups,
      );
      expect(r.skipped).toBeUndefined();
      const run = (profile: string) => {
        const res = r.results.find((x) => x.profile === profile);
        expect(res?.error).toBeUndefined();
        const one = res!.runs[0]!;
        console.log(`link smoke ${profile}:`, JSON.stringify(one));
        expect(one.error).toBeUndefined();
        return one;
      };
      const clean = run("clean");
      const lossy = run("loss5-delay80");
      for (const x of [clean, lossy]) {
        // TCP delivers every frame, late or not; the listener plays most of them.
        expect(x.counters!.framesSent).toBeGreaterThan(80); // 8 s of 20–60 ms frames
        expect(x.counters!.framesReceived).toBe(x.counters!.framesSent);
        expect(x.playedPct!).toBeGreaterThan(80);
        expect(x.onsetsHeard).toBeGreaterThan(x.onsets * 0.7);
        expect(x.correlation!).toBeGreaterThan(0.7);
      }
      // The emulation applied: packets were lost on the listener's link, and 80 ms each way
      // (plus the retransmissions) shows in the latency.
      const e = lossy.emulators.listener!;
      expect((e.up?.lost ?? 0) + (e.down?.lost ?? 0)).toBeGreaterThan(0);
      expect(lossy.latencyMs.p50!).toBeGreaterThan(clean.latencyMs.p50! + 60);
    } finally {
      for (const c of cleanups.splice(0)) await Promise.resolve(c()).catch(() => undefined);
    }
  }, 240_000);
});
