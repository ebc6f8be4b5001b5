// Top functions of a V8 .cpuprofile (from `npm run bench -- --profile`): self time and inclusive
// time per function, so a finding can name the function and what it costs.
// Usage: node bench/tools/profile-top.mjs bench/results/profiles/won-a.cpuprofile [top=25] [under]
// With `under`, only samples whose stack holds a function whose name contains it are counted
// (e.g. "onBinary" = the speaker's relay path, "onMessage" = frames arriving from Redis).
// FROM and TO (CLOCK_MONOTONIC µs, `windowUs` of a run in bench/results/*.json) keep only the
// samples of one measured window.
import { readFileSync } from "node:fs";

const [file, topArg = "25", underArg, fromArg, toArg] = process.argv.slice(2);
const under = underArg || undefined;
const prof = JSON.parse(readFileSync(file, "utf8"));
if (fromArg) {
  // Rebuild hit counts from the samples inside the window.
  const from = Number(fromArg);
  const to = Number(toArg ?? Infinity);
  const hits = new Map();
  let t = prof.startTime;
  let kept = 0;
  prof.samples.forEach((id, i) => {
    t += prof.timeDeltas[i];
    if (t >= from && t <= to) {
      hits.set(id, (hits.get(id) ?? 0) + 1);
      kept++;
    }
  });
  for (const n of prof.nodes) n.hitCount = hits.get(n.id) ?? 0;
  prof.startTime = Math.max(prof.startTime, from);
  prof.endTime = Math.min(prof.endTime, to);
  prof.keptSamples = kept;
}
const total = prof.endTime - prof.startTime; // µs
const interval = total / (prof.keptSamples ?? prof.samples.length);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const key = (n) =>
  `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|apps|packages)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const incl = new Map();
for (const n of prof.nodes) {
  const t = (n.hitCount ?? 0) * interval;
  if (!t) continue;
  if (under) {
    let inside = false;
    for (let id = n.id; id !== undefined && !inside; id = parent.get(id))
      inside = byId.get(id).callFrame.functionName.includes(under);
    if (!inside) continue;
  }
  self.set(key(n), (self.get(key(n)) ?? 0) + t);
  const seen = new Set();
  for (let id = n.id; id !== undefined; id = parent.get(id)) {
    const k = key(byId.get(id));
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + t);
  }
}
const idle = [...self].filter(([k]) => k.startsWith("(idle)")).reduce((a, [, v]) => a + v, 0);
const busy = under ? [...self].reduce((a, [, v]) => a + v, 0) : total - idle;
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(2)} s ${under ? `under ${under}` : "busy"}`,
);
const show = (m, title) => {
  console.log(`\n${title} (% of busy)`);
  [...m]
    .filter(([k]) => !k.startsWith("(idle)") && !k.startsWith("(root)"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(topArg))
    .forEach(([k, v]) => {
      console.log(
        `${((v / busy) * 100).toFixed(1).padStart(6)}%  ${(v / 1e3).toFixed(0).padStart(7)} ms  ${k}`,
      );
    });
};
show(self, "self");
show(incl, "inclusive");
