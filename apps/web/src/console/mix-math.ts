/**
 * The console's mixing rules as pure functions: decibels and gains, stereo position, and which
 * channels a live priority channel ducks. The audio graph (channel-mixer.ts) applies what these
 * answer; the unit tests pin them down.
 */

/** Lowest gain a slider reaches before it counts as silence (dB). */
export const MIN_DB = -40;
/** Highest boost a slider allows (dB). */
export const MAX_DB = 12;

/** Linear amplitude of `db` decibels; at or below {@link MIN_DB} it is silence (0). */
export function dbToGain(db: number): number {
  if (!Number.isFinite(db) || db <= MIN_DB) return 0;
  return 10 ** (Math.min(db, MAX_DB) / 20);
}

/** Decibels of an energy ratio (mean squares), floored so silence compares as a number. */
export function energyRatioDb(num: number, den: number): number {
  const tiny = 1e-12;
  return 10 * Math.log10(Math.max(num, tiny) / Math.max(den, tiny));
}

export type PanPosition = "left" | "centre" | "right";

/** StereoPannerNode's `pan` for a position: hard left, centre, hard right. */
export function panValue(p: PanPosition): number {
  return p === "left" ? -1 : p === "right" ? 1 : 0;
}

/** What the graph needs to know about one channel to set its gains. */
export interface MixInput {
  volumeDb: number;
  muted: boolean;
  priority: boolean;
  /** Someone (not me) is talking on it now. */
  live: boolean;
}

export interface MixGains {
  /** The channel's own fader: volume, or 0 when muted. */
  fader: number;
  /** The ducking stage: 1, or the duck gain while another priority channel is live. */
  duck: number;
}

/**
 * Fader and ducking gains of every channel. While any priority channel is live, every channel
 * that is not itself a priority channel is lowered by `duckDb` (a positive number of decibels);
 * priority channels are never ducked, so two live priority channels stay level with each other.
 */
export function mixGains(channels: Record<string, MixInput>, duckDb: number): Record<string, MixGains> {
  const priorityLive = Object.values(channels).some((c) => c.priority && c.live);
  const duck = dbToGain(-Math.abs(duckDb));
  const out: Record<string, MixGains> = {};
  for (const [id, c] of Object.entries(channels)) {
    out[id] = {
      fader: c.muted ? 0 : dbToGain(c.volumeDb),
      duck: priorityLive && !c.priority ? duck : 1,
    };
  }
  return out;
}

/** The channel a number key (1–9) selects among the tiles in order, or null. */
export function channelForKey(code: string, order: readonly string[]): string | null {
  const m = /^(?:Digit|Numpad)([1-9])$/.exec(code);
  if (!m) return null;
  return order[Number(m[1]) - 1] ?? null;
}

/** Root mean square of a block of samples. */
export function rms(block: Float32Array): number {
  let s = 0;
  for (let i = 0; i < block.length; i++) s += block[i]! * block[i]!;
  return block.length ? Math.sqrt(s / block.length) : 0;
}
