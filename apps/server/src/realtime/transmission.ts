/**
 * One push-to-talk transmission, on the node of the speaker's socket: relays its frames, keeps
 * the floor lease alive while frames flow, enforces the idle and length limits, and at the end
 * stores the recording and announces `speaker.stopped` (with the audio message) to the channel.
 */
import { FRAME_HEADER_BYTES, frameIsLast, frameSeq, LIMITS, type StopReason } from "@won/protocol";
import { allowedPacketSamples, OPUS_SAMPLES_PER_MS } from "../audio/opus-packet.js";
import { TransmissionRecorder } from "../audio/transmission-recorder.js";
import type { AppendedMessage } from "../commands/messages.js";
import type { Connection, HeldTransmission, HotMic } from "./connection.js";

/** Transmissions shorter than this are accidental taps and are not stored. */
export const MIN_RECORDING_MS = 300;

export interface TransmissionHost {
  readonly leaseMs: number;
  /**
   * The length cap, applied twice: by the wall clock since the grant, and by the audio the
   * relayed packets declare in their TOC bytes — a client sending faster than it speaks reaches
   * the second first. Either ends the transmission `timeout`.
   */
  readonly maxDurationMs: number;
  /** Publishes a frame to other nodes and delivers it to local listeners but the speaker. */
  relay(channelId: string, frame: Buffer, speaker: Connection): void;
  renew(channelId: string, streamId: number): Promise<boolean>;
  release(channelId: string, streamId: number): Promise<void>;
  /** Stores the recording as an audio message; returns it, or null if it could not be stored. */
  store(t: Transmission, ogg: Buffer, durationMs: number): Promise<AppendedMessage | null>;
  stopped(t: Transmission, reason: StopReason, stored: AppendedMessage | null): Promise<void>;
  onEnded(t: Transmission): void;
}

/** Frames held while the floor store confirms a lease that looks lapsed: 6 s of audio at 50/s. */
export const MAX_HELD_FRAMES = 300;
/** The longest one transmission relays without yielding to the event loop. */
export const RELAY_SLICE_MS = 50;

/**
 * The lease under loop lag. A renewal is asked every `leaseMs / 3` while frames flow, without
 * waiting for the previous answer, so the store keeps extending the lease as long as this node
 * makes any progress on the speaker's frames — however late it reads the answers. The lease is
 * good until `leaseFrom + leaseMs`, where `leaseFrom` is when the newest successful renewal was
 * *asked* (the store applied it later), so a frame received before then was certainly spoken
 * under our floor.
 *
 * On an overloaded node the loop lags by seconds: answers sit unread and frames arrive after
 * the lease looks spent. Ending the transmission there would cut the speaker off for the node's
 * sake. A frame received past the lease is held instead (bounded), and relayed in order once an
 * answer proves the floor was ours when it arrived — nobody else can have spoken — or dropped
 * with the transmission when an answer says the floor is gone. The idle check likewise skips a
 * tick that itself ran late, so frames queued behind the stall are read before the speaker is
 * judged silent.
 *
 * Relaying is done in slices of at most RELAY_SLICE_MS. A lagging node reads hundreds of the
 * speaker's frames in one socket read, and fanning them all out at once would be one synchronous
 * stretch of seconds in which no renewal can leave — the lease would run out in the store while
 * the node was busy proving it. Past the slice, frames are held and relayed from the next loop
 * turn, after renewals, heartbeats and other speakers got their turn; when the node cannot keep
 * up at all, the oldest held audio is dropped (MAX_HELD_FRAMES) rather than delivered ever later.
 *
 * What a packet claims is bounded too. A frame whose Opus packet does not declare one of
 * `LIMITS.audioPacketMs` is dropped before anything else (it neither renews the lease nor keeps
 * the speaker from going idle), and the first of a stream is answered `invalid_frame`. The
 * audio the relayed packets declare is summed: a frame that would take it past `maxDurationMs`
 * is dropped and ends the transmission `timeout`, as the wall-clock cap does, so a recording
 * never holds more audio than the cap however fast the packets came.
 */
export class Transmission implements HeldTransmission {
  private readonly recorder = new TransmissionRecorder();
  private readonly startedAt = Date.now();
  private lastFrameAt = Date.now();
  /** When the newest successful renewal was asked for: the lease is good until this + leaseMs. */
  private leaseFrom = Date.now();
  /** When the newest renewal (answered or not) was asked for. */
  private lastAskedAt = Date.now();
  private renewalsInFlight = 0;
  /** Frames received past the lease, with when, waiting for a renewal to prove the floor ours. */
  private held: { frame: Buffer; samples: number; at: number }[] = [];
  /** When the current synchronous stretch of relaying began; 0 when none is running. */
  private sliceStartedAt = 0;
  private flushScheduled = false;
  private readonly tickMs: number;
  private lastTickAt = Date.now();
  private ending: Promise<void> | null = null;
  /** ptt.stop came while frames were held: release once they are out. */
  private releaseWhenFlushed = false;
  private resolveEnded!: () => void;
  private readonly whenEnded = new Promise<void>((resolve) => {
    this.resolveEnded = resolve;
  });
  private readonly tick: NodeJS.Timeout;
  private readonly cap: NodeJS.Timeout;
  /** The cap in 48 kHz samples, and the samples the relayed packets declared so far. */
  private readonly maxSamples: number;
  private samples = 0;
  private invalidReported = false;
  frames = 0;
  /** Frames held back until a renewal proved the lease (the node lagged). */
  heldFrames = 0;
  /** Frames never relayed: held ones over MAX_HELD_FRAMES or whose floor turned out to be lost,
   *  packets of a duration not allowed, and the frame that would have passed the cap. */
  droppedFrames = 0;

  constructor(
    private readonly host: TransmissionHost,
    readonly connection: Connection,
    readonly channelId: string,
    readonly streamId: number,
    readonly priority: boolean,
    readonly emergency: HotMic | null = null,
    /** This transmission's cap; default the host's. */
    readonly maxDurationMs = host.maxDurationMs,
  ) {
    this.maxSamples = maxDurationMs * OPUS_SAMPLES_PER_MS;
    this.tickMs = Math.max(100, Math.floor(host.leaseMs / 3));
    this.tick = setInterval(() => this.onTick(), this.tickMs);
    this.tick.unref();
    this.cap = setTimeout(() => void this.end("timeout"), maxDurationMs);
    this.cap.unref();
  }

  get ended(): boolean {
    return this.ending !== null;
  }

  /** Hot path: one validated frame of this stream from the speaker. */
  onFrame(frame: Buffer): void {
    if (this.ending) return;
    // Parsed once: the declared duration goes with the frame, relayed now or held.
    const samples = allowedPacketSamples(frame, FRAME_HEADER_BYTES);
    if (samples === 0) {
      this.refuse();
      return;
    }
    const now = Date.now();
    this.lastFrameAt = now;
    // Renew first: a renewal asked now also proves this frame if it has to be held.
    if (now - this.lastAskedAt >= this.host.leaseMs / 3) this.renew(now);
    if (this.held.length === 0 && now - this.leaseFrom < this.host.leaseMs && this.inSlice(now)) {
      this.accept(frame, samples);
      return;
    }
    this.hold(frame, samples, now);
    this.scheduleFlush();
  }

  /** Whether the current synchronous stretch of relaying may go on (starting one if none is). */
  private inSlice(now: number): boolean {
    if (this.sliceStartedAt === 0) {
      this.sliceStartedAt = now;
      setImmediate(() => {
        this.sliceStartedAt = 0;
      });
      return true;
    }
    return now - this.sliceStartedAt < RELAY_SLICE_MS;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushHeld();
    });
  }

  /** A packet of a duration not allowed: dropped, and the stream's first one reported. */
  private refuse(): void {
    this.droppedFrames++;
    if (this.invalidReported) return;
    this.invalidReported = true;
    this.connection.error(
      "invalid_frame",
      `Opus packets must hold ${LIMITS.audioPacketMs.join(", ")} ms of audio; dropped (reported once per stream)`,
      this.channelId,
    );
  }

  private accept(frame: Buffer, samples: number): void {
    if (this.samples + samples > this.maxSamples) {
      this.droppedFrames++;
      void this.end("timeout");
      return;
    }
    this.samples += samples;
    this.frames++;
    this.host.relay(this.channelId, frame, this.connection);
    this.recorder.push(frameSeq(frame), frame.subarray(FRAME_HEADER_BYTES));
    if (frameIsLast(frame)) void this.end("released");
    else if (this.samples >= this.maxSamples) void this.end("timeout");
  }

  /** Every held frame has a renewal in flight asked less than leaseMs / 3 before it arrived
   *  (onFrame sees to that), whose answer settles it. */
  private hold(frame: Buffer, samples: number, at: number): void {
    // Copied: held frames outlive the handler that received them.
    this.held.push({ frame: Buffer.from(frame), samples, at });
    this.heldFrames++;
    if (this.held.length > MAX_HELD_FRAMES) {
      this.held.shift();
      this.droppedFrames++;
    }
  }

  private renew(askedAt: number): void {
    this.lastAskedAt = askedAt;
    this.renewalsInFlight++;
    this.host.renew(this.channelId, this.streamId).then(
      (ok) => {
        this.renewalsInFlight--;
        if (this.ending) return;
        if (!ok) {
          // Within our lease nobody can have taken the floor but by pre-emption; past it, the
          // lease ran out while this node lagged.
          void this.end(Date.now() - this.leaseFrom < this.host.leaseMs ? "preempted" : "timeout");
          return;
        }
        this.leaseFrom = Math.max(this.leaseFrom, askedAt);
        this.flushHeld();
      },
      () => {
        // No answer from the floor store. While the lease lasts a later renewal may still get
        // through; once it has run out, stop rather than risk two speakers.
        this.renewalsInFlight--;
        if (Date.now() - this.leaseFrom >= this.host.leaseMs) void this.end("timeout");
      },
    );
  }

  /** Relays, in order, the held frames that arrived within the (renewed) lease, one slice at a
   *  time; the rest wait for the next loop turn or for their renewal's answer. */
  private flushHeld(): void {
    while (this.held.length > 0 && !this.ending) {
      const next = this.held[0]!;
      if (next.at - this.leaseFrom >= this.host.leaseMs) break;
      const now = Date.now();
      if (!this.inSlice(now)) {
        if (now - this.lastAskedAt >= this.host.leaseMs / 3) this.renew(now);
        this.scheduleFlush();
        return;
      }
      this.held.shift();
      this.accept(next.frame, next.samples);
    }
    if (this.releaseWhenFlushed && this.held.length === 0) void this.end("released");
  }

  private onTick(): void {
    const now = Date.now();
    const late = now - this.lastTickAt > this.tickMs * 2;
    this.lastTickAt = now;
    // A tick that ran late means the loop stalled: frames may be waiting unread behind it.
    if (late) return;
    // Frames still held are not silence: they are being relayed, or wait for a renewal.
    if (this.held.length === 0) {
      if (now - this.lastFrameAt >= this.host.leaseMs) void this.end("timeout");
    } else if (this.renewalsInFlight === 0 && this.held[0]!.at - this.leaseFrom >= this.host.leaseMs) {
      // Their renewal failed while the lease lasted (a blip): ask again for them.
      this.renew(now);
    }
  }

  /** Ends the transmission once, whatever asks first; later calls wait for the same end. A
   *  release while frames are held waits for them to go out (or for the floor to prove lost). */
  end(reason: StopReason): Promise<void> {
    if (!this.ending && reason === "released" && this.held.length > 0) {
      this.releaseWhenFlushed = true;
      return this.whenEnded;
    }
    this.ending ??= this.finish(reason);
    return this.ending;
  }

  private async finish(reason: StopReason): Promise<void> {
    clearInterval(this.tick);
    clearTimeout(this.cap);
    this.droppedFrames += this.held.length;
    this.held = [];
    this.host.onEnded(this);
    try {
      await this.stop(reason);
    } finally {
      this.resolveEnded();
    }
  }

  private async stop(reason: StopReason): Promise<void> {
    // Pre-empted: the floor is someone else's now, and release is compare-and-delete anyway.
    await this.host.release(this.channelId, this.streamId).catch(() => undefined);
    const rec = this.recorder.finish();
    const stored =
      rec && rec.durationMs >= MIN_RECORDING_MS ? await this.host.store(this, rec.ogg, rec.durationMs) : null;
    await this.host.stopped(this, reason, stored);
  }

  get durationMs(): number {
    return Date.now() - this.startedAt;
  }
}
