/**
 * One push-to-talk transmission, on the node of the speaker's socket: relays its frames, keeps
 * the floor lease alive while frames flow, enforces the idle and length limits, and at the end
 * stores the recording and announces `speaker.stopped` (with the audio message) to the channel.
 */
import { FRAME_FLAG_LAST, FRAME_HEADER_BYTES, type Message, type StopReason } from "@won/protocol";
import { TransmissionRecorder } from "../audio/transmission-recorder.js";
import type { Session } from "./session.js";

/** Transmissions shorter than this are accidental taps and are not stored. */
export const MIN_RECORDING_MS = 300;

export interface TransmissionHost {
  readonly leaseMs: number;
  readonly maxDurationMs: number;
  /** Publishes a frame to other nodes and delivers it to local listeners but the speaker. */
  relay(channelId: string, frame: Buffer, speaker: Session): void;
  renew(channelId: string, streamId: number): Promise<boolean>;
  release(channelId: string, streamId: number): Promise<void>;
  /** Stores the recording as an audio message; returns it, or null if it could not be stored. */
  store(t: Transmission, ogg: Buffer, durationMs: number): Promise<Message | null>;
  stopped(t: Transmission, reason: StopReason, message: Message | null): Promise<void>;
  onEnded(t: Transmission): void;
}

export class Transmission {
  private readonly recorder = new TransmissionRecorder();
  private readonly startedAt = Date.now();
  private lastFrameAt = Date.now();
  /** When the last successful renewal was asked for: the lease is good until this + leaseMs. */
  private leaseFrom = Date.now();
  private renewing = false;
  private ending: Promise<void> | null = null;
  private readonly tick: NodeJS.Timeout;
  private readonly cap: NodeJS.Timeout;
  frames = 0;

  constructor(
    private readonly host: TransmissionHost,
    readonly session: Session,
    readonly channelId: string,
    readonly streamId: number,
    readonly priority: boolean,
  ) {
    this.tick = setInterval(() => this.onTick(), Math.max(100, Math.floor(host.leaseMs / 3)));
    this.tick.unref();
    this.cap = setTimeout(() => void this.end("timeout"), host.maxDurationMs);
    this.cap.unref();
  }

  get ended(): boolean {
    return this.ending !== null;
  }

  /** Hot path: one validated frame of this stream from the speaker. */
  onFrame(frame: Buffer): void {
    if (this.ending) return;
    const now = Date.now();
    // The lease may have lapsed (frames stalled longer than it): someone else may hold the floor.
    if (now - this.leaseFrom >= this.host.leaseMs) {
      void this.end("timeout");
      return;
    }
    this.lastFrameAt = now;
    this.frames++;
    this.host.relay(this.channelId, frame, this.session);
    this.recorder.push((frame[6]! << 8) | frame[7]!, frame.subarray(FRAME_HEADER_BYTES));
    if (frame[1]! & FRAME_FLAG_LAST) void this.end("released");
    else if (now - this.leaseFrom >= this.host.leaseMs / 3) this.renew(now);
  }

  private renew(askedAt: number): void {
    if (this.renewing) return;
    this.renewing = true;
    this.host.renew(this.channelId, this.streamId).then(
      (ok) => {
        this.renewing = false;
        if (ok) this.leaseFrom = askedAt;
        else void this.end("preempted");
      },
      () => {
        // Cannot reach the floor store: stop rather than risk two speakers.
        this.renewing = false;
        void this.end("timeout");
      },
    );
  }

  private onTick(): void {
    const now = Date.now();
    if (now - this.lastFrameAt >= this.host.leaseMs) void this.end("timeout");
  }

  /** Ends the transmission once, whatever asks first; later calls wait for the same end. */
  end(reason: StopReason): Promise<void> {
    this.ending ??= this.finish(reason);
    return this.ending;
  }

  private async finish(reason: StopReason): Promise<void> {
    clearInterval(this.tick);
    clearTimeout(this.cap);
    this.host.onEnded(this);
    // Pre-empted: the floor is someone else's now, and release is compare-and-delete anyway.
    await this.host.release(this.channelId, this.streamId).catch(() => undefined);
    const rec = this.recorder.finish();
    let message: Message | null = null;
    if (rec && rec.durationMs >= MIN_RECORDING_MS)
      message = await this.host.store(this, rec.ogg, rec.durationMs);
    await this.host.stopped(this, reason, message);
  }

  get durationMs(): number {
    return Date.now() - this.startedAt;
  }
}
