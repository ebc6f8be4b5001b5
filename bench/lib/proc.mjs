// CPU and memory of processes, read straight from /proc (Linux): utime+stime from
// /proc/PID/stat (fields 14 and 15, in clock ticks) and VmRSS/VmHWM from /proc/PID/status.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {}
const US_PER_TICK = 1e6 / ticksPerSecond;

/** CPU time (user + system) a process has used so far, in µs; null if it is gone. */
export function cpuUs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) * US_PER_TICK;
  } catch {
    return null;
  }
}

/** Resident set size in bytes (VmRSS), and its high-water mark (VmHWM). */
export function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Busy and total CPU time of the whole machine so far (all cores), in µs, from /proc/stat. */
export function systemCpuUs() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3] + (f[4] ?? 0);
  return { busy: (total - idle) * US_PER_TICK, total: total * US_PER_TICK };
}

/**
 * Samples a named set of processes: `start()` then `stop()` gives each one's CPU µs used in
 * between, its CPU share of one core, and its RSS at the end and peak RSS seen by a 500 ms sampler.
 */
export class ProcSampler {
  constructor(procs) {
    /** @type {{name: string, pid: number, role: string}[]} */
    this.procs = procs.filter((p) => p.pid);
  }

  start() {
    this.t0 = performance.now();
    this.sys0 = systemCpuUs();
    this.cpu0 = new Map(this.procs.map((p) => [p.pid, cpuUs(p.pid)]));
    this.peak = new Map(this.procs.map((p) => [p.pid, memory(p.pid).rss]));
    this.timer = setInterval(() => {
      for (const p of this.procs) this.peak.set(p.pid, Math.max(this.peak.get(p.pid), memory(p.pid).rss));
    }, 500);
  }

  stop() {
    clearInterval(this.timer);
    const wallUs = (performance.now() - this.t0) * 1000;
    const sys1 = systemCpuUs();
    /** Whole-machine busy CPU in the window, in % of one core (200 % = both cores of a 2-core box). */
    this.machineBusyPct = Math.round(((sys1.busy - this.sys0.busy) / wallUs) * 1000) / 10;
    return this.procs.map((p) => {
      const used = (cpuUs(p.pid) ?? 0) - (this.cpu0.get(p.pid) ?? 0);
      const rss = memory(p.pid).rss;
      return {
        name: p.name,
        role: p.role,
        pid: p.pid,
        cpuUs: Math.round(used),
        cpuPct: Math.round((used / wallUs) * 1000) / 10,
        rssMB: mb(rss),
        peakRssMB: mb(Math.max(rss, this.peak.get(p.pid) ?? 0)),
      };
    });
  }
}

export const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Sums cpuUs of the processes of one role. */
export const cpuOf = (procs, role) => procs.filter((p) => p.role === role).reduce((a, p) => a + p.cpuUs, 0);
