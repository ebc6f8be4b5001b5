// A latency histogram cheap enough for the listener hot path: 50 µs buckets up to 2 s, then
// 10 ms buckets up to 62 s, an overflow count and the exact max. Histograms from several workers
// merge by adding.

export const BUCKET_US = 50;
const FINE = 40_000; // 2 s of 50 µs buckets
const COARSE_US = 10_000;
const COARSE = 6_000; // + 60 s of 10 ms buckets
export const BUCKETS = FINE + COARSE;
const upperUs = (i) => (i < FINE ? (i + 1) * BUCKET_US : FINE * BUCKET_US + (i - FINE + 1) * COARSE_US);

export function newHist() {
  return { counts: new Uint32Array(BUCKETS), over: 0, n: 0, max: 0, sum: 0 };
}

export function add(h, us) {
  if (us < 0) us = 0;
  let i = (us / BUCKET_US) | 0;
  if (i >= FINE) i = FINE + (((us - FINE * BUCKET_US) / COARSE_US) | 0);
  if (i < BUCKETS) h.counts[i]++;
  else h.over++;
  h.n++;
  h.sum += us;
  if (us > h.max) h.max = us;
}

/** Serialisable form (sparse), for IPC. */
export function pack(h) {
  const nz = [];
  for (let i = 0; i < BUCKETS; i++) if (h.counts[i]) nz.push(i, h.counts[i]);
  return { nz, over: h.over, n: h.n, max: h.max, sum: h.sum };
}

export function merge(packs) {
  const h = newHist();
  for (const p of packs) {
    if (!p) continue;
    for (let k = 0; k < p.nz.length; k += 2) h.counts[p.nz[k]] += p.nz[k + 1];
    h.over += p.over;
    h.n += p.n;
    h.sum += p.sum;
    if (p.max > h.max) h.max = p.max;
  }
  return h;
}

/** Percentile in ms (bucket upper bound), or null when empty. */
export function pct(h, q) {
  if (h.n === 0) return null;
  const target = Math.ceil(h.n * q);
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += h.counts[i];
    if (seen >= target) return round(Math.min(upperUs(i) / 1000, h.max / 1000));
  }
  return round(h.max / 1000);
}

export function summary(h) {
  return {
    samples: h.n,
    p50Ms: pct(h, 0.5),
    p99Ms: pct(h, 0.99),
    maxMs: h.n ? round(h.max / 1000) : null,
    meanMs: h.n ? round(h.sum / h.n / 1000) : null,
  };
}

const round = (x) => Math.round(x * 100) / 100;
