// The link section of bench/results/latest.md: one row per link profile, the builds side by side,
// then the targets marked met or missed per build (on the median over runs).

const fmt = (v, d = 1) => (v === null || v === undefined ? "–" : `${Math.round(v * 10 ** d) / 10 ** d}`);

/** "median (min–max)" when runs differ, else the one value. */
function cell(s, d = 1) {
  if (!s || s.median === null) return "–";
  if (!s.range || s.range[0] === s.range[1]) return fmt(s.median, d);
  return `${fmt(s.median, d)} (${fmt(s.range[0], d)}–${fmt(s.range[1], d)})`;
}

/** Whether a target holds for one summary: true, false, or null (no data). */
export function targetMet(t, summary) {
  const v = summary?.[t.metric]?.median;
  if (v === null || v === undefined) return null;
  return t.max !== undefined ? v <= t.max : v >= t.min;
}

/** Markdown lines for the link scenario's result (`table` is report.mjs's table helper). */
export function renderLink(link, table) {
  const md = ["## Mouth-to-ear over emulated links (real web client)", ""];
  if (link.skipped) {
    md.push(`Skipped: ${link.skipped}.`, "");
    return md;
  }
  const builds = link.builds.map((b) => b.name);
  md.push(
    `Speaker → server → listener through the web client in headless Chromium, the ${link.impaired.join(" and ")}'s link impaired ` +
      `(each profile applies to both directions of that link), ${link.speechMs / 1000} s of speech-like signal per run, ` +
      `${link.runsPerProfile} run(s) per profile and build: median (min–max). Builds: ${link.builds.map((b) => `**${b.name}** = ${b.commit ? `web client of \`${b.commit}\`` : `\`${b.dir}\``}`).join(", ")}. ` +
      "played % = frames the listener played ÷ frames the speaker sent (the app's counters); silence = seconds of inserted silence (runs ≥ 20 ms of digital zero in what the listener played) per 30 s; " +
      "p50/p95/max = mouth-to-ear latency of matched onsets; corr = envelope correlation of received with source; " +
      "other % = CPU used by processes this run did not start, in % of one core (of 200 %), during the transmission: a starved page plays late and drops audio (see bench/README.md).",
    "",
  );
  const by = (b, p) => link.results.find((r) => r.build === b && r.profile === p);
  const head = ["profile"];
  for (const b of builds)
    head.push(
      `${b}: played %`,
      `${b}: silence s/30 s`,
      `${b}: p50 / p95 / max ms`,
      `${b}: corr`,
      `${b}: other %`,
    );
  const rows = link.profiles.map((p) => {
    const row = [p.label];
    for (const b of builds) {
      const s = by(b, p.key)?.summary;
      const failed = by(b, p.key)?.runs.filter((r) => r.error).length ?? 0;
      if (by(b, p.key)?.error) {
        row.push(`failed: ${by(b, p.key).error.slice(0, 80)}`, "", "", "", "");
        continue;
      }
      row.push(
        `${cell(s?.playedPct)}${failed ? ` (${failed} run(s) failed)` : ""}`,
        cell(s?.silencePer30s, 2),
        `${cell(s?.p50, 0)} / ${cell(s?.p95, 0)} / ${cell(s?.max, 0)}`,
        cell(s?.correlation, 3),
        cell(s?.otherCpuPct, 0),
      );
    }
    return row;
  });
  md.push(table(head, rows), "");
  const marks = link.targets
    .filter((t) => link.profiles.some((p) => p.key === t.profile))
    .map((t) => {
      const per = builds.map((b) => {
        const met = targetMet(t, by(b, t.profile)?.summary);
        return `${b} ${met === null ? "no data" : met ? "met" : "**missed**"}`;
      });
      return `${t.label} (${per.join(", ")})`;
    });
  if (marks.length) md.push(`Targets: ${marks.join("; ")}.`, "");
  const clocks = link.results.flatMap((r) => r.runs.filter((x) => x.clocks).map((x) => x.clocks.ear));
  if (clocks.length)
    md.push(
      `Listener's context as reported: baseLatency ${fmt(clocks[0].baseLatencyMs)} ms, outputLatency ${fmt(clocks[0].outputLatencyMs)} ms (added to ear times); ` +
        `getOutputTimestamp's offset from the render clock ${fmt(clocks[0].outputMinusRenderMs)} ms.`,
      "",
    );
  return md;
}
