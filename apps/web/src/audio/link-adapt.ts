/**
 * Chooses how the microphone is encoded from how congested our uplink is. The signal is the
 * round-trip time of the live socket's `{type:"ping"}` → `pong` (sent every 250 ms while talking):
 * the pings queue behind our audio frames in the same TCP connection, so when the link cannot
 * carry what we send, the queue — and the RTT above its floor — grows at once, long before the
 * browser's `bufferedAmount` moves (the backlog sits in the kernel).
 *
 * Profiles trade latency for bytes: a frame costs ~60 bytes of TCP/IP, WebSocket and frame
 * headers whatever its size, so 20 ms at 24 kbit/s is ~50 kbit/s on the wire, 40 ms at 16 kbit/s
 * ~28 kbit/s and 60 ms at 12 kbit/s ~20 kbit/s. Listeners need nothing: every Opus packet's TOC
 * byte states its duration, and frames of one stream may change size.
 *
 * A listener whose downlink is too slow says so (`audio.late` → the server → `ptt.congested` to
 * us): that steps down too, and holds the cheaper profile longer, since our pings cannot tell
 * when their link recovers.
 *
 * Steps down (cheaper) at once when the queueing delay passes `upMs` in two of the last four
 * samples or a ping goes unanswered for `lostMs`, then waits `holdUpMs` before another step;
 * steps back up only after `holdDownMs` of RTT within `downMs` of its floor.
 */

export interface AudioProfile {
  /** Opus frame duration (ms). */
  frameMs: 20 | 40 | 60;
  /** Opus target bitrate (bit/s). */
  bitrate: number;
}

export const PROFILES: readonly AudioProfile[] = [
  { frameMs: 20, bitrate: 24_000 },
  { frameMs: 40, bitrate: 16_000 },
  { frameMs: 60, bitrate: 12_000 },
];

export interface AdaptOptions {
  upMs: number;
  downMs: number;
  lostMs: number;
  holdUpMs: number;
  holdDownMs: number;
  /** The RTT floor is the smallest sample of this long (ms). */
  floorWindowMs: number;
  /** After a listener's congestion report, no step up for this long (ms). */
  remoteHoldMs: number;
}

export const DEFAULT_ADAPT: AdaptOptions = {
  upMs: 120,
  downMs: 40,
  lostMs: 600,
  holdUpMs: 2_000,
  holdDownMs: 8_000,
  floorWindowMs: 30_000,
  remoteHoldMs: 30_000,
};

export class LinkAdapter {
  private level = 0;
  private samples: { at: number; rtt: number }[] = [];
  private changedAt = Number.NEGATIVE_INFINITY;
  private calmSince: number | null = null;
  private remoteUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: AdaptOptions = DEFAULT_ADAPT) {}

  get profile(): AudioProfile {
    return PROFILES[this.level]!;
  }

  /** The smallest RTT of the window (ms), or null before any. */
  get floorMs(): number | null {
    return this.samples.length ? Math.min(...this.samples.map((s) => s.rtt)) : null;
  }

  /** A pong came back `rtt` ms after its ping. Returns the profile if it changed. */
  sample(rtt: number, now: number): AudioProfile | null {
    this.samples.push({ at: now, rtt });
    while (this.samples.length > 1 && this.samples[0]!.at < now - this.opts.floorWindowMs)
      this.samples.shift();
    if (this.samples.length > 400) this.samples.shift();
    const floor = this.floorMs!;
    const recent = this.samples.slice(-4);
    const congested = recent.filter((s) => s.rtt - floor > this.opts.upMs).length >= 2;
    if (congested) return this.worse(now);
    if (rtt - floor <= this.opts.downMs) {
      this.calmSince ??= now;
      if (now - this.calmSince >= this.opts.holdDownMs && now - this.changedAt >= this.opts.holdDownMs)
        return this.better(now);
    } else this.calmSince = null;
    return null;
  }

  /**
   * A listener's downlink cannot carry our stream (`ptt.congested`): a step down, as for our own
   * congestion, and no step back up for `remoteHoldMs` — our pings cannot see their link calm down.
   */
  congested(now: number): AudioProfile | null {
    this.remoteUntil = now + this.opts.remoteHoldMs;
    return this.worse(now);
  }

  /** The oldest unanswered ping was sent `ageMs` ago. Returns the profile if it changed. */
  waiting(ageMs: number, now: number): AudioProfile | null {
    return ageMs > this.opts.lostMs ? this.worse(now) : null;
  }

  private worse(now: number): AudioProfile | null {
    this.calmSince = null;
    if (this.level === PROFILES.length - 1 || now - this.changedAt < this.opts.holdUpMs) return null;
    this.level++;
    this.changedAt = now;
    return this.profile;
  }

  private better(now: number): AudioProfile | null {
    if (this.level === 0 || now < this.remoteUntil) return null;
    this.level--;
    this.changedAt = now;
    this.calmSince = now;
    return this.profile;
  }
}

/** The app's one adapter: what it learnt about the link outlives a transmission. */
export const linkAdapter = new LinkAdapter();
