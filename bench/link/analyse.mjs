// Turns one transmission's probe recordings into the link scenario's numbers.
//
// Time base: every page reports `performance.timeOrigin + performance.now()`, one clock for all
// processes on this machine. A context frame F becomes wall time through the page's clock pairs:
// - "render" map: (currentTime, performance.now()) sampled every 100 ms; currentTime moves in
//   render-callback steps, so the smallest (now − currentTime) seen is when the callback that
//   rendered that frame ran: render wall(F) = timeOrigin + min(now − currentTime) + F / rate.
// - "output" map: `getOutputTimestamp()` pairs (contextTime ↔ performanceTime, the moment the
//   frame reaches the output device), median offset; reported to check the render map against.
// Mouth time = render wall of the onset's frame on the speaker (when the capture graph handled
// it; the fake microphone's own input latency is unknown and not included). Ear time = render
// wall of the frame on the listener + its baseLatency + outputLatency (when it leaves the
// speaker of the phone, as far as the browser knows).
import { envelopeCorrelation, matchOnsets, quantile, RATE, silentRuns } from "./signal.mjs";

function decodePcm(b64) {
  const buf = Buffer.from(b64, "base64");
  const i16 = new Int16Array(buf.buffer, buf.byteOffset, buf.length / 2);
  const x = new Float32Array(i16.length);
  for (let i = 0; i < i16.length; i++) x[i] = i16[i] / 32_767;
  return x;
}

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

/** A probe recording as `{x, t0, clock}`: samples at 8 kHz and the wall ms of x[0]. */
export function toSignal(rec, { addOutputLatency }) {
  const x = decodePcm(rec.pcm);
  const rows = rec.clocks;
  if (!rows.length || !rec.starts.length) throw new Error(`no audio recorded by the ${rec.role} probe`);
  const renderOffset = Math.min(...rows.map((r) => r[3] - r[2] * 1000));
  const out = rows.filter((r) => r[0] > 0 && r[1] > 0).map((r) => r[1] - r[0] * 1000);
  const outputOffset = out.length ? median(out) : null;
  const baseLatencyMs = median(rows.map((r) => r[4] * 1000));
  const outputLatencyMs = median(rows.map((r) => r[5] * 1000));
  const frame0 = rec.starts[0][0];
  const extra = addOutputLatency ? baseLatencyMs + outputLatencyMs : 0;
  const t0 = rec.timeOrigin + renderOffset + (frame0 / rec.sampleRate) * 1000 + extra;
  // Batches are contiguous unless the recording hit its bound; check rather than assume.
  const [lastFrame, lastOffset] = rec.starts.at(-1);
  const driftMs = ((lastFrame - frame0) / rec.sampleRate) * 1000 - (lastOffset * 1000) / RATE;
  return {
    x,
    t0,
    clock: {
      baseLatencyMs: round(baseLatencyMs),
      outputLatencyMs: round(outputLatencyMs),
      outputMinusRenderMs: outputOffset === null ? null : round(outputOffset - renderOffset),
      batchDriftMs: round(driftMs),
    },
  };
}

/** Dropped frames by the jitter buffer's reason, during this run only. */
function reasonsDelta([before, after]) {
  const out = {};
  for (const [k, v] of Object.entries(after?.dropReasons ?? {})) out[k] = v - (before?.dropReasons?.[k] ?? 0);
  return out;
}

const round = (v, d = 1) => (v === null || v === undefined ? null : Math.round(v * 10 ** d) / 10 ** d);

/** The numbers of one transmission (see bench/README.md "Link emulation"). */
export function analyseRun(tx) {
  const mouth = toSignal(tx.mouth, { addOutputLatency: false });
  const ear = toSignal(tx.ear, { addOutputLatency: true });
  const speechS = (tx.released - tx.granted) / 1000;
  const rows = matchOnsets(mouth, ear, [tx.granted, tx.released]);
  const lat = rows
    .map((r) => r.latencyMs)
    .filter((v) => v !== null)
    .sort((a, b) => a - b);
  const matched = rows.filter((r) => r.latencyMs !== null);
  // Silence inserted: exact-zero runs ≥ 20 ms in what the listener played, between the first and
  // the last heard onset (+ 250 ms): the source never has digital silence in that stretch.
  let silence = { runs: 0, seconds: 0 };
  let heardS = 0;
  if (matched.length >= 2) {
    const from = matched[0].at + matched[0].latencyMs;
    const to = matched.at(-1).at + matched.at(-1).latencyMs + 250;
    const idx = (w) => Math.round(((w - ear.t0) * RATE) / 1000);
    silence = silentRuns(ear.x, idx(from), idx(to));
    heardS = (to - from) / 1000;
  }
  const delta = (pair, k) =>
    pair[0]?.[k] !== undefined && pair[1]?.[k] !== undefined ? pair[1][k] - pair[0][k] : null;
  const sent = delta(tx.counters.speaker, "framesSent");
  const played = delta(tx.counters.listener, "framesPlayed");
  return {
    speechS: round(speechS, 2),
    onsets: rows.length,
    onsetsHeard: matched.length,
    latencyMs: {
      p50: round(quantile(lat, 0.5)),
      p95: round(quantile(lat, 0.95)),
      max: round(lat.at(-1) ?? null),
    },
    correlation: round(rows.length ? envelopeCorrelation(mouth, ear, rows) : null, 3),
    waveformCorrelation: round(rows.length ? rows.reduce((a, r) => a + r.ncc, 0) / rows.length : null, 3),
    silence: {
      runs: silence.runs,
      seconds: round(silence.seconds, 2),
      secondsPer30s: heardS > 0 ? round((silence.seconds * 30) / heardS, 2) : null,
    },
    playedPct: sent ? round((played / sent) * 100) : null,
    playedPctFromPcm: heardS > 0 ? round((1 - silence.seconds / heardS) * 100) : null,
    counters: {
      framesSent: sent,
      framesReceived: delta(tx.counters.listener, "framesReceived"),
      framesPlayed: played,
      framesDropped: delta(tx.counters.listener, "framesDropped"),
      // The app keeps the largest per-stream count, not a running total.
      underrunsMaxPerStream: tx.counters.listener[1]?.underruns ?? null,
      dropReasons: reasonsDelta(tx.counters.listener),
    },
    clocks: { mouth: mouth.clock, ear: ear.clock },
  };
}
