/**
 * Plays incoming live transmissions. Each stream (`speaker.started` → frames → `speaker.stopped`)
 * gets a decoder and a jitter buffer; decoded 20 ms blocks are scheduled as AudioBufferSources
 * on the shared context through a per-stream gain. Several channels can play at once (monitoring).
 *
 * Ending: a released stream plays out what is buffered (≤ 300 ms). A stream cut short — floor
 * timeout, pre-emption, revoked, the speaker's or our own connection lost — fades out over a
 * few milliseconds instead of clicking or hanging.
 */
import { decodeAudioFrame } from "@won/protocol";
import { audioContext, noteAudioMissed, SAMPLE_RATE } from "./audio-context";
import { sumSquares, tap } from "./audio-tap";
import { JitterBuffer } from "./jitter-buffer";
import { createDecoder, decoderKind, type PacketDecoder } from "./opus-decoder";

interface StreamState {
  channelId: string;
  /** The speaker, for their per-person volume ("" when unknown). */
  userId: string;
  jitter: JitterBuffer;
  gain: GainNode;
  decoder: PacketDecoder | null;
  /** Frames that arrived while the decoder was being created. */
  early: { seq: number; payload: Uint8Array }[];
  /** Seqs waiting for decoder output, in order. */
  inflight: number[];
  sources: Set<AudioBufferSourceNode>;
  ended: boolean;
  lastFrameAt: number;
}

const FADE_S = 0.03;
/** A stream with no frame for this long is ended (its speaker.stopped never came). */
const IDLE_END_MS = 3_000;

/**
 * Where streams go and how loud each speaker is. `channelInput` returns the node a channel's
 * streams connect to (null: straight to the output); `userGain` is a speaker's linear gain.
 * The console installs a channel route while it is open; per-person volumes are always on.
 */
export interface LiveRouting {
  channelInput?: (channelId: string) => AudioNode | null;
  userGain?: (userId: string) => number;
}

class LivePlayer {
  private readonly streams = new Map<number, StreamState>();
  private muted = new Set<string>();
  private routing: LiveRouting = {};
  private sweeper: ReturnType<typeof setInterval> | null = null;

  /** A speaker started: get a decoder ready before the first frame arrives. */
  start(streamId: number, channelId: string, userId = "") {
    if (this.streams.has(streamId)) return;
    const ctx = audioContext();
    const gain = ctx.createGain();
    gain.gain.value = this.streamGain(channelId, userId);
    gain.connect(this.routing.channelInput?.(channelId) ?? ctx.destination);
    const st: StreamState = {
      channelId,
      userId,
      jitter: new JitterBuffer(),
      gain,
      decoder: null,
      early: [],
      inflight: [],
      sources: new Set(),
      ended: false,
      lastFrameAt: Date.now(),
    };
    this.streams.set(streamId, st);
    tap.streamsStarted++;
    void decoderKind().then((k) => {
      tap.decoder = k;
    });
    void createDecoder(
      (pcm) => this.onPcm(st, pcm),
      () => this.end(streamId, true),
    ).then((dec) => {
      if (st.ended) return dec.close();
      st.decoder = dec;
      for (const f of st.early.splice(0)) this.decodeInto(st, f.seq, f.payload);
    });
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

  /** The stream ended. `cut` fades out now; otherwise what is buffered plays out. */
  end(streamId: number, cut: boolean) {
    const st = this.streams.get(streamId);
    if (!st) return;
    if (!st.ended) {
      st.ended = true;
      tap.streamsEnded++;
    }
    const ctx = audioContext();
    const drainS = cut ? 0 : st.jitter.depth(ctx.currentTime);
    if (cut) {
      const now = ctx.currentTime;
      st.gain.gain.cancelScheduledValues(now);
      st.gain.gain.setValueAtTime(st.gain.gain.value, now);
      st.gain.gain.linearRampToValueAtTime(0, now + FADE_S);
    }
    setTimeout(
      () => {
        // Frames still being decoded when a released stream ends get played too (decoder closes later).
        st.decoder?.close();
        for (const s of st.sources) {
          try {
            s.stop();
          } catch {
            /* already stopped */
          }
        }
        st.gain.disconnect();
        this.streams.delete(streamId);
      },
      (cut ? FADE_S : drainS + 0.25) * 1000 + 20,
    );
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

  private decodeInto(st: StreamState, seq: number, payload: Uint8Array) {
    st.inflight.push(seq);
    st.decoder!.decode(payload);
  }

  private onPcm(st: StreamState, pcm: Float32Array) {
    const seq = st.inflight.shift();
    if (seq === undefined || !this.streams.size) return;
    tap.framesDecoded++;
    const ctx = audioContext();
    if (ctx.state !== "running") {
      // A suspended context's clock is stuck: frames placed on it would pile up at one instant and
      // be dropped as overflow. Leave the jitter buffer alone and ask the steward to tap.
      tap.framesMissedSuspended++;
      noteAudioMissed();
      return;
    }
    const p = st.jitter.place(ctx.currentTime, seq, pcm.length / SAMPLE_RATE);
    tap.underruns = Math.max(tap.underruns, st.jitter.stats.underruns);
    if (p.kind === "drop") {
      tap.framesDropped++;
      tap.dropReasons[p.reason] = (tap.dropReasons[p.reason] ?? 0) + 1;
      return;
    }
    const buf = ctx.createBuffer(1, pcm.length, SAMPLE_RATE);
    buf.copyToChannel(pcm as Float32Array<ArrayBuffer>, 0);
    const src = ctx.createBufferSource();
    src.buffer = buf;
    src.connect(st.gain);
    src.onended = () => st.sources.delete(src);
    st.sources.add(src);
    src.start(p.at);
    tap.framesPlayed++;
    tap.playedSumSq += sumSquares(pcm);
    tap.playedSamples += pcm.length;
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
