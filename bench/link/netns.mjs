// One network namespace per impaired page: the page's Chromium runs inside it (through a wrapper
// script that does `ip netns exec`), and reaches the server over a veth pair (MTU 1500) whose
// host side is an address of the root namespace, where the server listens on 0.0.0.0. Inside
// the namespace, iptables sends the page's TCP traffic to two NFQUEUEs — OUTPUT (uplink, page →
// server) and INPUT (downlink, server → page) — each served by a `linkemu` process running in the
// namespace. Only that page's packets cross its rules, so every page is impaired alone and the
// server and the other page keep a clean link.
//
// Names share the prefix `wonlk-` so a run can remove what a killed run left behind.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const PREFIX = "wonlk-";
const IPTABLES = "iptables-legacy";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
const tryRun = (cmd, args) => {
  try {
    run(cmd, args);
    return true;
  } catch {
    return false;
  }
};

/**
 * What the link section needs from this machine, as a list of reasons it cannot run (empty =
 * it can): root, `ip netns`, iptables-legacy with the NFQUEUE target, gcc and libnetfilter_queue.
 */
export function missingRequirements() {
  const missing = [];
  if (process.getuid?.() !== 0) missing.push("not root (network namespaces and iptables need it)");
  for (const [cmd, args] of [
    ["ip", ["-V"]],
    [IPTABLES, ["--version"]],
    ["gcc", ["--version"]],
  ])
    if (!tryRun(cmd, args)) missing.push(`${cmd} not found`);
  if (!existsSync("/usr/include/libnetfilter_queue/libnetfilter_queue.h"))
    missing.push("libnetfilter-queue-dev not installed");
  if (!existsSync(CHROMIUM)) missing.push(`no Chromium at ${CHROMIUM}`);
  return missing;
}

/** Compiles linkemu.c into a fresh temp dir; returns the binary's path or throws with gcc's words. */
export function buildEmulator() {
  const dir = mkdtempSync(join(os.tmpdir(), "won-linkemu-"));
  const bin = join(dir, "linkemu");
  try {
    execFileSync("gcc", ["-O2", "-Wall", "-o", bin, join(HERE, "linkemu.c"), "-lnetfilter_queue", "-lm"], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
  } catch (e) {
    throw new Error(
      `gcc failed: ${String(e.stderr ?? e.message)
        .trim()
        .split("\n")
        .slice(0, 3)
        .join(" ")}`,
    );
  }
  return { bin, dir };
}

/** Removes namespaces and host-side veths with our prefix (left by a run that was killed). */
export function removeStale() {
  const list = (() => {
    try {
      return run("ip", ["netns", "list"]).toString();
    } catch {
      return "";
    }
  })();
  for (const line of list.split("\n")) {
    const name = line.split(" ")[0];
    if (name?.startsWith(PREFIX)) tryRun("ip", ["netns", "del", name]);
  }
  const links = (() => {
    try {
      return run("ip", ["-o", "link", "show"]).toString();
    } catch {
      return "";
    }
  })();
  for (const m of links.matchAll(/^\d+:\s+(wonlk-[^@:\s]+)/gm)) tryRun("ip", ["link", "del", m[1]]);
}

/**
 * A namespace for one page. `index` (0…63) picks its /30: host 10.213.<index>.1, page .2.
 * `up()` creates it; `impair(profile)` (re)starts the two emulators; `close()` removes it all.
 */
export class PageLink {
  constructor(name, index, emulatorBin, port) {
    this.ns = `${PREFIX}${name}`;
    this.hostIf = `${PREFIX}${name}h`.slice(0, 15);
    this.pageIf = `${PREFIX}${name}p`.slice(0, 15);
    this.hostIp = `10.213.${index}.1`;
    this.pageIp = `10.213.${index}.2`;
    this.queues = { up: 700 + index * 2, down: 701 + index * 2 };
    this.bin = emulatorBin;
    this.port = port;
    /** @type {{dir: string, child: import("node:child_process").ChildProcess, out: string}[]} */
    this.emulators = [];
    this.created = false;
  }

  up() {
    this.created = true;
    run("ip", ["netns", "add", this.ns]);
    run("ip", ["link", "add", this.hostIf, "mtu", "1500", "type", "veth", "peer", "name", this.pageIf]);
    run("ip", ["link", "set", this.pageIf, "netns", this.ns]);
    run("ip", ["addr", "add", `${this.hostIp}/30`, "dev", this.hostIf]);
    run("ip", ["link", "set", this.hostIf, "up"]);
    const inNs = (...args) => run("ip", ["netns", "exec", this.ns, ...args]);
    inNs("ip", "link", "set", "lo", "up");
    inNs("ip", "addr", "add", `${this.pageIp}/30`, "dev", this.pageIf);
    inNs("ip", "link", "set", this.pageIf, "mtu", "1500", "up");
    // veth keeps TSO/GRO on (no ethtool needed): the queue is bound without NFQA_CFG_F_GSO, so
    // the kernel segments any GSO packet before queueing it and linkemu sees ≤ MTU segments.
    const rule = (chain, dir, q) =>
      inNs(
        IPTABLES,
        "-A",
        chain,
        dir === "up" ? "-o" : "-i",
        this.pageIf,
        "-p",
        "tcp",
        ...(dir === "up" ? ["-d", this.hostIp, "--dport"] : ["-s", this.hostIp, "--sport"]),
        String(this.port),
        "-j",
        "NFQUEUE",
        "--queue-num",
        String(q),
        "--queue-bypass",
      );
    rule("OUTPUT", "up", this.queues.up);
    rule("INPUT", "down", this.queues.down);
  }

  /** Every process in this namespace (its Chromium and emulators), for CPU accounting. */
  pids() {
    try {
      return run("ip", ["netns", "pids", this.ns]).toString().split("\n").filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** A script Chromium can be launched through so the browser lives in this namespace. */
  chromiumWrapper(dir) {
    const file = join(dir, `chromium-${this.ns}.sh`);
    writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${this.ns} ${CHROMIUM} "$@"\n`);
    chmodSync(file, 0o755);
    return file;
  }

  /**
   * Applies a profile `{up, down}` (each `{delayMs, jitterMs, lossPct, rateKbit}` or null =
   * clean): stops the running emulators (their counters are returned) and starts new ones.
   * A clean direction runs no emulator: --queue-bypass then accepts its packets untouched.
   */
  async impair(profile, seed) {
    const counters = await this.stopEmulators();
    for (const dir of ["up", "down"]) {
      const p = profile?.[dir];
      if (!p) continue;
      const args = [
        "--queue",
        String(this.queues[dir]),
        "--delay",
        String(p.delayMs ?? 0),
        "--jitter",
        String(p.jitterMs ?? 0),
        "--loss",
        String(p.lossPct ?? 0),
        "--rate",
        String(p.rateKbit ?? 0),
        "--limit",
        String(p.limitPackets ?? 50),
        "--limit-ms",
        String(p.limitMs ?? 250),
        "--seed",
        String(seed * 2 + (dir === "up" ? 0 : 1)),
        "--max-s",
        "900",
      ];
      const child = spawn("ip", ["netns", "exec", this.ns, this.bin, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      const em = { dir, child, out: "" };
      child.stdout.on("data", (d) => (em.out += d));
      child.stderr.on("data", (d) => (em.out += d));
      this.emulators.push(em);
      const ready = await new Promise((resolve) => {
        const t = setTimeout(() => resolve(false), 5_000);
        const check = () => {
          if (em.out.includes('"ready"')) {
            clearTimeout(t);
            resolve(true);
          }
        };
        child.stdout.on("data", check);
        child.once("exit", () => {
          clearTimeout(t);
          resolve(false);
        });
      });
      if (!ready) throw new Error(`linkemu ${this.ns}/${dir} did not start: ${em.out.trim().slice(0, 300)}`);
    }
    return counters;
  }

  /** Stops this page's emulators (SIGTERM: held packets are released); returns their counters. */
  async stopEmulators() {
    const out = {};
    await Promise.all(
      this.emulators.splice(0).map(
        (em) =>
          new Promise((resolve) => {
            const done = () => {
              const last = em.out.trim().split("\n").pop();
              try {
                out[em.dir] = JSON.parse(last);
              } catch {
                out[em.dir] = null;
              }
              resolve();
            };
            if (em.child.exitCode !== null || em.child.signalCode !== null) return done();
            const t = setTimeout(() => em.child.kill("SIGKILL"), 3_000);
            em.child.once("exit", () => {
              clearTimeout(t);
              done();
            });
            em.child.kill("SIGTERM");
          }),
      ),
    );
    return out;
  }

  /** Emulators stopped, namespace (with its iptables rules and its veth end) removed. */
  async close() {
    await this.stopEmulators();
    if (!this.created) return;
    this.created = false;
    tryRun("ip", ["netns", "del", this.ns]);
    tryRun("ip", ["link", "del", this.hostIf]);
  }
}
