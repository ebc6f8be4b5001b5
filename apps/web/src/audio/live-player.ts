/**
 * Plays incoming live transmissions. Each stream (`speaker.started` → frames → `speaker.stopped`)
 * gets a decoder and a playout worklet node (`playout/`), which queues the decoded audio on the
 * audio thread and plays it at a delay adapted to the lateness it sees, through a per-stream gain.
 * Several channels can play at once (monitoring, the console).
 *
 * Ending: a released stream plays out what is queued and what is still being decoded: the
 * playout is told of the end only once the decoder has handed over every frame that arrived, so a
 * page busy as the speaker lets go delays the tail instead of cutting it. A stream cut short —
 * floor timeout, pre-emption, revoked, the speaker's or our own connection lost — fades out over
 * a few milliseconds instead of clicking or hanging.
 *
 * Each channel remembers the delay its last stream ended at, so the next one starts there
 * instead of learning the network again.
 */
import { decodeAudioFrame } from "@won/protocol";
import { audioContext, noteAudioMissed, SAMPLE_RATE } from "./audio-context";
import { sumSquares, tap } from "./audio-tap";
import { seqDelta } from "./frame-sequencer";
import { LATE_REPORT_EVERY_MS, lateMs } from "./late-report";
import { createDecoder, decoderKind, type PacketDecoder } from "./opus-decoder";
import type { PlayoutStats } from "./playout/playout";
import { loadPlayout, PlayoutNode, type PlayoutReport } from "./playout/playout-node";

interface StreamState {
  channelId: string;
  /** The speaker, for their per-person volume ("" when unknown). */
  userId: string;
  gain: GainNode;
  playout: PlayoutNode | null;
  decoder: PacketDecoder | null;
  /** Frames that arrived while the decoder or the worklet was being made ready. */
  early: { seq: number; payload: Uint8Array }[];
  /** Frames waiting for decoder output, in order, with how many were missing before each. */
  inflight: number[];
  /** Frames missing before the next one played: the gaps in seq, and frames that did not decode. */
  carryLost: number;
  /** Released, with the playout not yet told (frames are still being decoded). */
  endPending: boolean;
  lastSeq: number | null;
  /** The last counters the worklet reported (to add only what is new to the tap). */
  reported: PlayoutStats | null;
  targetMs: number;
  lateReportedAt: number;
  ended: boolean;
  drained: boolean;
  lastFrameAt: number;
}

const FADE_S = 0.03;
/** A stream with no frame for this long is ended (its speaker.stopped never came). */
const IDLE_END_MS = 3_000;
/** A released stream not drained after this long is let go anyway. */
const DRAIN_LIMIT_MS = 2_000;
/** A released stream whose decoder has not caught up after this long is let go anyway. */
const DECODE_LIMIT_MS = 15_000;
/** The delay a channel's next stream starts at stays within these bounds (ms). */
const START_DELAY = { min: 30, max: 200, initial: 40 };

/**
 * Where streams go and how loud each speaker is. `channelInput` returns the node a channel's
 * streams connect to (null: straight to the output); `userGain` is a speaker's linear gain.
 * The console installs a channel route while it is open; per-person volumes are always on.
 */
/** Where a listener's word that a stream reaches it late goes (the socket). */
export type LateReporter = (channelId: string, streamId: number, lateMs: number) => void;

export interface LiveRouting {
  channelInput?: (channelId: string) => AudioNode | null;
  userGain?: (userId: string) => number;
}

class LivePlayer {
  private readonly streams = new Map<number, StreamState>();
  private muted = new Set<string>();
  private routing: LiveRouting = {};
  private reportLate: LateReporter = () => {};
  private sweeper: ReturnType<typeof setInterval> | null = null;
  /** Per channel, the delay its last stream ended at (ms). */
  private readonly startDelay = new Map<string, number>();

  /** Installs where late-stream reports go (once, at start-up). */
  onLate(reporter: LateReporter) {
    this.reportLate = reporter;
  }

  /** A speaker started: get a decoder and a playout node ready before the first frame arrives. */
  start(streamId: number, channelId: string, userId = "") {
    if (this.streams.has(streamId)) return;
    const ctx = audioContext();
    const gain = ctx.createGain();
    gain.gain.value = this.streamGain(channelId, userId);
    gain.connect(this.routing.channelInput?.(channelId) ?? ctx.destination);
    const st: StreamState = {
      channelId,
      userId,
      gain,
      playout: null,
      decoder: null,
      early: [],
      inflight: [],
      carryLost: 0,
      endPending: false,
      lastSeq: null,
      reported: null,
      targetMs: 0,
      lateReportedAt: 0,
      ended: false,
      drained: false,
      lastFrameAt: Date.now(),
    };
    this.streams.set(streamId, st);
    tap.streamsStarted++;
    tap.outputLatencyMs = Math.round(((ctx.outputLatency || 0) + (ctx.baseLatency || 0)) * 1_000);
    void decoderKind().then((k) => {
      tap.decoder = k;
    });
    const initialDelayMs = this.startDelay.get(channelId) ?? START_DELAY.initial;
    void Promise.all([
      createDecoder(
        (pcm) => this.onPcm(st, pcm),
        () => this.end(streamId, true),
      ),
      loadPlayout(ctx),
    ]).then(
      ([dec]) => {
        if (st.ended && st.early.length === 0) {
          dec.close();
          return this.release(streamId, st);
        }
        st.decoder = dec;
        st.playout = new PlayoutNode(
          ctx,
          { initialDelayMs },
          (r) => this.onReport(streamId, st, r),
          () => this.onDrained(streamId, st),
        );
        st.playout.node.connect(st.gain);
        for (const f of st.early.splice(0)) this.decodeInto(st, f.seq, f.payload);
        this.endWhenDecoded(st);
      },
      (e) => {
        console.warn("live audio could not start", e);
        this.end(streamId, true);
      },
    );
    this.ensureSweeper();
  }

  /** A binary frame from the socket. Frames of unknown streams are ignored. */
  frame(bytes: Uint8Array) {
    const f = decodeAudioFrame(bytes);
    if (typeof f === "string") return;
    const st = this.streams.get(f.streamId);
    if (!st || st.ended) return;
    tap.framesReceived++;
    st.lastFrameAt = Date.now();
    // The payload is a view into the socket's buffer; copy it before decoding asynchronously.
    const payload = f.payload.slice();
    if (!st.decoder) st.early.push({ seq: f.seq, payload });
    else this.decodeInto(st, f.seq, payload);
    if (f.last) this.end(f.streamId, false);
  }

  /** The stream ended. `cut` fades out now; otherwise what is queued plays out. */
  end(streamId: number, cut: boolean) {
    const st = this.streams.get(streamId);
    if (!st) return;
    const first = !st.ended;
    if (first) {
      st.ended = true;
      tap.streamsEnded++;
    }
    if (!cut) {
      if (!first) return;
      st.endPending = true;
      this.endWhenDecoded(st);
      this.releaseLater(streamId, st, Date.now());
      return;
    }
    const ctx = audioContext();
    const now = ctx.currentTime;
    st.gain.gain.cancelScheduledValues(now);
    st.gain.gain.setValueAtTime(st.gain.gain.value, now);
    st.gain.gain.linearRampToValueAtTime(0, now + FADE_S);
    setTimeout(() => this.release(streamId, st), FADE_S * 1_000 + 20);
  }

  /** Every stream of a channel ended (unsubscribed, access revoked, socket lost). */
  endChannel(channelId: string) {
    for (const [id, st] of this.streams) if (st.channelId === channelId) this.end(id, true);
  }

  endAll() {
    for (const id of [...this.streams.keys()]) this.end(id, true);
  }

  setMuted(channelId: string, muted: boolean) {
    if (muted) this.muted.add(channelId);
    else this.muted.delete(channelId);
    for (const st of this.streams.values())
      if (st.channelId === channelId) st.gain.gain.value = this.streamGain(channelId, st.userId);
  }

  /** Replaces part of the routing; streams playing now are re-connected and re-levelled. */
  setRouting(change: LiveRouting) {
    this.routing = { ...this.routing, ...change };
    this.refresh();
  }

  /** Re-applies the routing to the streams playing now (a per-person volume changed, say). */
  refresh() {
    if (this.streams.size === 0) return;
    const ctx = audioContext();
    for (const st of this.streams.values()) {
      if (st.ended) continue;
      st.gain.gain.value = this.streamGain(st.channelId, st.userId);
      st.gain.disconnect();
      st.gain.connect(this.routing.channelInput?.(st.channelId) ?? ctx.destination);
    }
  }

  private streamGain(channelId: string, userId: string) {
    if (this.muted.has(channelId)) return 0;
    return userId ? (this.routing.userGain?.(userId) ?? 1) : 1;
  }

  /**
   * Tells the playout a released stream has ended once no frame is left in the decoder: the end
   * then reaches the worklet after the last frame (same port, in order).
   */
  private endWhenDecoded(st: StreamState) {
    if (!st.endPending || !st.playout || st.inflight.length > 0) return;
    st.endPending = false;
    st.playout.end();
  }

  /**
   * Lets go of a released stream that has not drained in time: a context whose clock stands
   * still never drains. The limit counts from the end reaching the playout; a decoder that has
   * not caught up by `DECODE_LIMIT_MS` is given up on.
   */
  private releaseLater(streamId: number, st: StreamState, since: number) {
    setTimeout(() => {
      if (st.endPending && Date.now() - since < DECODE_LIMIT_MS)
        return this.releaseLater(streamId, st, since);
      this.release(streamId, st);
    }, DRAIN_LIMIT_MS + 1_000);
  }

  private decodeInto(st: StreamState, seq: number, payload: Uint8Array) {
    // Over the socket frames come in order; a repeated or older seq is ignored, a gap is counted
    // as lost so that the playout keeps the media clock right.
    const gap = st.lastSeq === null ? 1 : seqDelta(seq, st.lastSeq);
    if (gap <= 0) return;
    st.lastSeq = seq;
    st.inflight.push(gap - 1);
    st.decoder!.decode(payload);
  }

  /** The decoder's output for the oldest frame in flight: its audio, or null when it did not decode. */
  private onPcm(st: StreamState, pcm: Float32Array | null) {
    const gap = st.inflight.shift();
    if (gap === undefined || !st.playout || st.drained) return;
    if (!pcm) {
      tap.framesUndecodable++;
      st.carryLost += gap + 1;
      return this.endWhenDecoded(st);
    }
    const lost = gap + st.carryLost;
    st.carryLost = 0;
    tap.framesDecoded++;
    tap.decodedSamples += pcm.length;
    if (audioContext().state !== "running") {
      // A suspended context's clock is stuck: audio queued now would play as one late burst.
      // Leave the playout alone and ask the steward to tap.
      tap.framesMissedSuspended++;
      noteAudioMissed();
      return this.endWhenDecoded(st);
    }
    tap.playedSumSq += sumSquares(pcm);
    tap.playedSamples += pcm.length;
    st.playout.push(pcm, lost);
    this.endWhenDecoded(st);
  }

  private onReport(streamId: number, st: StreamState, r: PlayoutReport) {
    const prev = st.reported;
    const d = (k: keyof PlayoutStats) => r.stats[k] - (prev?.[k] ?? 0);
    tap.framesPlayed += d("played");
    tap.framesDropped += d("dropped");
    if (d("dropped")) tap.dropReasons.overflow = (tap.dropReasons.overflow ?? 0) + d("dropped");
    tap.framesSkippedSilent += d("skippedSilent");
    tap.underruns += d("underruns");
    tap.concealedMs += (d("concealedSamples") / SAMPLE_RATE) * 1_000;
    tap.compressedMs += (d("compressedSamples") / SAMPLE_RATE) * 1_000;
    tap.stretchedMs += (d("stretchedSamples") / SAMPLE_RATE) * 1_000;
    tap.playoutTargetMs = Math.round(r.targetMs);
    st.reported = r.stats;
    st.targetMs = r.targetMs;
    tap.latenessFloorMs = Math.round(r.latenessFloorMs);
    const late = lateMs(r);
    const now = Date.now();
    if (late && !st.ended && now - st.lateReportedAt >= LATE_REPORT_EVERY_MS) {
      st.lateReportedAt = now;
      tap.lateReports++;
      this.reportLate(st.channelId, streamId, Math.round(late));
    }
  }

  private onDrained(streamId: number, st: StreamState) {
    st.drained = true;
    this.release(streamId, st);
  }

  /** Lets go of a finished stream's decoder, node and gain (once). */
  private release(streamId: number, st: StreamState) {
    if (this.streams.get(streamId) !== st) return;
    this.streams.delete(streamId);
    if (st.targetMs > 0)
      this.startDelay.set(st.channelId, Math.min(START_DELAY.max, Math.max(START_DELAY.min, st.targetMs)));
    st.decoder?.close();
    st.playout?.close();
    st.gain.disconnect();
  }

  private ensureSweeper() {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [id, st] of this.streams)
        if (!st.ended && now - st.lastFrameAt > IDLE_END_MS) this.end(id, true);
      if (this.streams.size === 0 && this.sweeper) {
        clearInterval(this.sweeper);
        this.sweeper = null;
      }
    }, 1_000);
  }
}

export const livePlayer = new LivePlayer();
