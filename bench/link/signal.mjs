// The speaker's microphone signal and the analysis of what the listener played.
//
// Source: 12 s of speech-like sound at 48 kHz, looped by Chromium's fake capture device — voiced
// segments (a 110–180 Hz glottal-like harmonic series with a vowel-ish spectral tilt), noise
// bursts (fricatives) and chirps, each with a sharp onset, one every 250–500 ms (seeded, so the
// spacing is irregular and a window of it cannot be confused with its neighbours), over a faint
// room tone (≈ −50 dBFS) so that the transmission never contains digital silence: any run of
// exact zeros the listener plays inside the transmission was inserted by the receiving path.

import { writeFileSync } from "node:fs";

export const SOURCE_RATE = 48_000;
/** The rate the probe records at (48 kHz / 6). */
export const RATE = 8_000;
const LOOP_S = 12;

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
}

/** The source signal (Float32Array at 48 kHz) and its segment onsets in seconds. */
export function makeSource(seed = 7) {
  const r = rng(seed);
  const n = LOOP_S * SOURCE_RATE;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (r() * 2 - 1) * 0.003;
  const onsets = [];
  let t = 0.2;
  let kind = 0;
  while (t < LOOP_S - 0.6) {
    const gap = 0.25 + r() * 0.25;
    const dur = Math.min(
      gap - 0.1,
      kind === 1 ? 0.04 + r() * 0.05 : kind === 2 ? 0.08 + r() * 0.07 : 0.12 + r() * 0.2,
    );
    const i0 = Math.round(t * SOURCE_RATE);
    const len = Math.round(dur * SOURCE_RATE);
    const amp = 0.3 + r() * 0.15;
    const f0 = 110 + r() * 70;
    let phase = 0;
    let smooth = 0;
    for (let i = 0; i < len; i++) {
      const s = i / SOURCE_RATE;
      const env = Math.min(1, s / 0.004) * Math.min(1, (dur - s) / 0.02);
      let v;
      if (kind === 0) {
        const f = f0 * (1 + 0.15 * (s / dur));
        phase += (2 * Math.PI * f) / SOURCE_RATE;
        v = 0;
        for (let k = 1; k <= 24; k++) {
          const formant =
            1 +
            2.5 * Math.exp(-(((k * f - 700) / 250) ** 2)) +
            1.5 * Math.exp(-(((k * f - 1200) / 300) ** 2));
          v += (Math.sin(k * phase) * formant) / k;
        }
        v *= 0.35;
      } else if (kind === 1) {
        smooth = 0.6 * smooth + 0.4 * (r() * 2 - 1);
        v = (r() * 2 - 1) * 0.6 + smooth * 0.4;
      } else {
        const f = 400 + (2_100 * s) / dur;
        phase += (2 * Math.PI * f) / SOURCE_RATE;
        v = Math.sin(phase);
      }
      x[i0 + i] += amp * env * v;
    }
    onsets.push(t);
    t += gap;
    kind = (kind + 1 + Math.floor(r() * 2)) % 3;
  }
  return { pcm: x, onsets };
}

/** Writes the source as a 16-bit mono WAV (what --use-file-for-fake-audio-capture reads). */
export function writeWav(file, pcm, rate = SOURCE_RATE) {
  const data = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++)
    data.writeInt16LE(Math.max(-32_768, Math.min(32_767, Math.round(pcm[i] * 32_767))), i * 2);
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([h, data]));
}

/**
 * Energy frames of 2 ms; an onset is where a rise that leaves ≥ 60 ms below `off` starts, if it
 * goes on to cross `on` (20 % of the 95th-percentile frame level; `off` = 30 % of `on`).
 */
export function detectOnsets(x) {
  const F = RATE / 500;
  const frames = Math.floor(x.length / F);
  const rms = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let i = f * F; i < (f + 1) * F; i++) s += x[i] * x[i];
    rms[f] = Math.sqrt(s / F);
  }
  const sorted = Float32Array.from(rms).sort();
  const loud = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  const on = Math.max(0.01, loud * 0.2);
  const off = on * 0.3;
  const out = [];
  let quiet = 0;
  /** The frame where the current rise left the quiet (the onset if it goes on to cross `on`). */
  let rise = -1;
  for (let f = 0; f < frames; f++) {
    if (rms[f] < off) {
      quiet++;
      if (quiet >= 30) rise = -1;
      continue;
    }
    if (quiet >= 30) rise = f;
    quiet = 0;
    if (rise >= 0 && rms[f] >= on) {
      out.push(rise * F);
      rise = -1;
    }
  }
  return out;
}

/**
 * A candidate is the onset's echo if its window correlates at least this well: Opus keeps
 * voiced sound and chirps above 0.9 but re-synthesises noise bursts (0.4–0.7 on a clean link);
 * a wrong candidate, at another lag of the irregular pattern, scores near 0.
 */
const MATCH_NCC = 0.35;

/** Peak normalised cross-correlation of a[i0..i1) with b shifted by lags in [lo, hi] samples. */
function peakNcc(a, b, i0, i1, lo, hi) {
  let ea = 0;
  for (let i = i0; i < i1; i++) ea += a[i] * a[i];
  let best = { ncc: 0, lag: null };
  if (ea === 0) return best;
  for (let lag = lo; lag <= hi; lag++) {
    if (i0 + lag < 0 || i1 + lag > b.length) continue;
    let ab = 0;
    let eb = 0;
    for (let i = i0; i < i1; i++) {
      const v = b[i + lag];
      ab += a[i] * v;
      eb += v * v;
    }
    if (eb === 0) continue;
    const ncc = ab / Math.sqrt(ea * eb);
    if (ncc > best.ncc) best = { ncc, lag };
  }
  return best;
}

/**
 * Matches the speaker's onsets with the listener's and scores each one.
 *
 * `mouth`/`ear`: `{ x: Float32Array at 8 kHz, t0: wall ms of x[0] }`; `span`: wall ms [from, to]
 * of the transmission on the speaker's side. For each speaker onset, every listener onset
 * 0…maxLatMs later is a candidate, scored by the normalised cross-correlation between the source
 * window (from the onset to the next onset, ≤ 250 ms) and the received signal at the candidate's
 * lag (refined ± 8 ms); candidates below MATCH_NCC are out. Playout is in order, so the matching
 * is the one with the highest total score in which later speaker onsets map to later listener
 * onsets (a dynamic programme over both onset lists): a lost syllable cannot borrow the echo of
 * the next one. A matched onset's latency is the two onsets' difference. Each row keeps its
 * window's best waveform correlation (`ncc`; a window never heard scores near 0) and the lag in
 * samples of its match.
 */
export function matchOnsets(mouth, ear, span, { maxLatMs = 4_000 } = {}) {
  const toIdx = (sig, wall) => Math.round(((wall - sig.t0) * RATE) / 1000);
  const toWall = (sig, i) => sig.t0 + (i * 1000) / RATE;
  const so = detectOnsets(mouth.x).filter((i) => {
    const w = toWall(mouth, i);
    return w >= span[0] && w <= span[1] - 600;
  });
  const lo = detectOnsets(ear.x);
  const refine = Math.round(RATE * 0.008);
  const rows = so.map((i, k) => {
    const ws = toWall(mouth, i);
    const next = so[k + 1] ?? i + RATE;
    const i0 = Math.max(0, i - Math.round(RATE * 0.01));
    const i1 = Math.min(
      mouth.x.length,
      i + Math.min(Math.round(RATE * 0.25), next - i - Math.round(RATE * 0.01)),
    );
    const candidates = [];
    let ncc = 0;
    lo.forEach((j, jn) => {
      const lat = toWall(ear, j) - ws;
      if (lat < 0 || lat > maxLatMs) return;
      const shift = toIdx(ear, ws + lat) - i;
      const p = peakNcc(mouth.x, ear.x, i0, i1, shift - refine, shift + refine);
      ncc = Math.max(ncc, p.ncc);
      if (p.ncc >= MATCH_NCC) candidates.push({ jn, ncc: p.ncc, latency: lat, shift: p.lag });
    });
    return { at: ws, i0, i1, ncc, latencyMs: null, shift: null, candidates };
  });
  // best[jn] = the best total score of a matching of the onsets so far whose last match is
  // listener onset jn, with the chain of choices that got there.
  let best = new Map();
  for (let k = 0; k < rows.length; k++) {
    const next = new Map(best);
    for (const c of rows[k].candidates) {
      let prior = { score: 0, chain: null };
      for (const [jn, st] of best) if (jn < c.jn && st.score > prior.score) prior = st;
      const score = prior.score + c.ncc;
      if (score > (next.get(c.jn)?.score ?? -1))
        next.set(c.jn, { score, chain: { k, c, prev: prior.chain } });
    }
    best = next;
  }
  let top = null;
  for (const st of best.values()) if (!top || st.score > top.score) top = st;
  for (let link = top?.chain; link; link = link.prev) {
    rows[link.k].latencyMs = link.c.latency;
    rows[link.k].shift = link.c.shift;
  }
  for (const r of rows) delete r.candidates;
  return rows;
}

/**
 * Pearson correlation of 5 ms RMS envelopes: the source over every onset's window against the
 * received signal over the same window shifted by that onset's lag (an onset not heard takes
 * the lag of the nearest heard one). Opus re-synthesises noise-like sound rather than coding
 * its waveform, so waveform correlation is capped well below 1 even on a clean link; envelopes
 * are kept by the codec and lost by gaps, concealment and cut words — what the link damages.
 */
export function envelopeCorrelation(mouth, ear, rows) {
  const heard = rows.filter((r) => r.shift !== null);
  if (!heard.length) return 0;
  const F = RATE / 200;
  const env = (x, i) => {
    let s = 0;
    for (let k = i; k < i + F; k++) {
      const v = k >= 0 && k < x.length ? x[k] : 0;
      s += v * v;
    }
    return Math.sqrt(s / F);
  };
  const a = [];
  const b = [];
  for (const r of rows) {
    const shift =
      r.shift ?? heard.reduce((p, q) => (Math.abs(q.at - r.at) < Math.abs(p.at - r.at) ? q : p)).shift;
    for (let i = r.i0; i + F <= r.i1; i += F) {
      a.push(env(mouth.x, i));
      b.push(env(ear.x, i + shift));
    }
  }
  const mean = (v) => v.reduce((p, q) => p + q, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Runs of ≥ minMs of exact zeros in x between indices [i0, i1): count and total seconds. */
export function silentRuns(x, i0, i1, minMs = 20) {
  const min = Math.round((RATE * minMs) / 1000);
  let runs = 0;
  let total = 0;
  let len = 0;
  const close = () => {
    if (len >= min) {
      runs++;
      total += len;
    }
    len = 0;
  };
  for (let i = Math.max(0, i0); i < Math.min(x.length, i1); i++) {
    if (x[i] === 0) len++;
    else close();
  }
  close();
  return { runs, seconds: total / RATE };
}

export function quantile(sorted, q) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
