// The load generator's worker processes (bench/client-worker.mjs), driven over IPC.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const WORKER = join(dirname(fileURLToPath(import.meta.url)), "../client-worker.mjs");

export class Worker {
  /** `script`: the worker module (client-worker.mjs unless a scenario brings its own). */
  constructor(name, script = WORKER) {
    this.name = name;
    this.child = fork(script, [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    this.pid = this.child.pid;
    this.next = 0;
    this.pending = new Map();
    this.child.on("message", (m) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(`${this.name}: ${m.error}`));
      else p.resolve(m.result);
    });
    this.child.on("exit", (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`${this.name} exited (${code})`));
      this.pending.clear();
    });
  }

  call(cmd, args) {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, cmd, args });
    });
  }

  stop() {
    if (this.child.connected) this.child.disconnect();
  }
}

/** `n` listener workers plus one speaker/poster worker, running `script` (client-worker.mjs by default). */
export function startWorkers(n, script = WORKER, prefix = "gen") {
  const listeners = Array.from({ length: n }, (_, i) => new Worker(`${prefix}-${i + 1}`, script));
  const speaker = new Worker(`${prefix}-speaker`, script);
  return {
    listeners,
    speaker,
    all: [...listeners, speaker],
    procs: () => [...listeners, speaker].map((w) => ({ name: w.name, pid: w.pid, role: "generator" })),
    stop: () => {
      for (const w of [...listeners, speaker]) w.stop();
    },
  };
}

/** Splits `conns` round-robin over the listener workers and opens them. */
export async function openSpread(workers, role, proto, conns, concurrency = 40) {
  const parts = workers.map(() => []);
  conns.forEach((c, i) => {
    parts[i % workers.length].push(c);
  });
  const rs = await Promise.all(
    workers.map((w, i) =>
      parts[i].length
        ? w.call("open", { role, proto, conns: parts[i], concurrency })
        : { opened: 0, failed: 0, errors: [] },
    ),
  );
  return {
    opened: rs.reduce((a, r) => a + r.opened, 0),
    failed: rs.reduce((a, r) => a + r.failed, 0),
    errors: [...new Set(rs.flatMap((r) => r.errors))].slice(0, 5),
  };
}
