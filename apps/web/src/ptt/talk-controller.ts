/**
 * One transmission at a time, on the selected channel:
 *
 *   press → send ptt.start and open the mic at once (so the first syllable is not lost) →
 *   ptt.granted → queued packets go out as frames with the granted streamId → release →
 *   mic closed, encoder flushed, a final silence frame flagged last, ptt.stop → ptt.stopped.
 *
 * Denied: mic closed, queued audio discarded, the denial (and who holds the floor) shown.
 * Cut (floor timeout, pre-empted, revoked, socket lost): mic closed at once.
 * Released before the grant arrived: ptt.stop is sent when it does.
 */
import type { ClientMessage, ServerMessage, ServerMessageOf } from "@won/protocol";
import { AudioStartError } from "../audio/audio-start";
import { sumSquares, tap } from "../audio/audio-tap";
import { playCue, rogerBeepBlocks } from "../audio/cues";
import { FrameSequencer } from "../audio/frame-sequencer";
import { type AudioProfile, linkAdapter } from "../audio/link-adapt";
import { MicCapture } from "../audio/mic-capture";
import { OpusEncoder, type PacketEncoder } from "../audio/opus-encoder";
import { tones } from "../audio/tones";
import { getSession } from "../auth/session";
import type { RealtimeConnection } from "../realtime/connection";
import { getSettings } from "../settings/settings-store";
import { levelFromRms, useLevel } from "../state/level-store";
import { type Denial, live } from "../state/live-store";
import { userLabel } from "../users/user-name";
import { isInsecureContext } from "./secure-context";
import { stopReason } from "./stop-reason";

type ClientMessageOf<T extends ClientMessage["type"]> = Extract<ClientMessage, { type: T }>;

/** How long past the talk time cap the server's end of the transmission is awaited (ms). */
const CAP_GRACE_MS = 1_500;

/** While talking, the link is probed with a ping this often (ms), at most this many in flight. */
const PROBE_EVERY_MS = 250;
const PROBES_IN_FLIGHT = 4;

/** Audio captured before the grant is kept up to this many packets (1 s). */
const MAX_EARLY_PACKETS = 50;

interface Transmission {
  channelId: string;
  /** A hot mic of this alert: ends by itself after `limitMs`, not when a talk button lets go. */
  alertId: string | null;
  /** Our own cap on the talk time, below the server's (ms). */
  limitMs: number | null;
  phase: "requesting" | "talking" | "stopping";
  releasedEarly: boolean;
  streamId: number | null;
  seq: FrameSequencer | null;
  early: Uint8Array[];
  mic: MicCapture | null;
  encoder: PacketEncoder | null;
  capClosed: boolean;
  maxTimer: ReturnType<typeof setTimeout> | null;
  probeTimer: ReturnType<typeof setInterval> | null;
  /** Epoch ms of the grant and the longest allowed talk time, once granted. */
  grantedAt: number | null;
  maxDurationMs: number | null;
}

/** Why a transmission could not start, as the talk panel's denial reason. */
function startFailure(e: unknown): Denial["reason"] {
  // An http page has neither microphone nor encoder: say why, not which one failed first.
  if (isInsecureContext()) return "insecure_context";
  if (e instanceof AudioStartError)
    return e.step === "output" ? "no_audio_output" : e.step === "encoder" ? "encoder_stalled" : "mic_stalled";
  return e instanceof Error && /encode Opus/.test(e.message) ? "no_encoder" : "no_microphone";
}

export class TalkController {
  private tx: Transmission | null = null;

  constructor(private readonly conn: RealtimeConnection) {
    conn.onMessage((m) => this.onMessage(m));
    conn.onDown(() => this.cut("disconnected"));
    conn.onRtt((rtt) => {
      tap.rttMs = Math.round(rtt);
      this.adapt(linkAdapter.sample(rtt, performance.now()));
    });
  }

  /** The link adapter chose another profile: the transmission on air switches to it now. */
  private adapt(profile: AudioProfile | null) {
    if (!profile) return;
    tap.frameMs = profile.frameMs;
    tap.bitrate = profile.bitrate;
    if (this.tx?.phase === "talking") this.tx.encoder?.reconfigure(profile);
  }

  private probe(tx: Transmission) {
    if (this.tx !== tx || tx.phase !== "talking") return;
    const wait = this.conn.pingWaitMs;
    this.adapt(linkAdapter.waiting(wait, performance.now()));
    if (wait < PROBE_EVERY_MS * PROBES_IN_FLIGHT) this.conn.probe();
  }

  get busy() {
    return this.tx !== null;
  }

  /**
   * The talk button went down on `channelId`. `priority`: a moderator's request that may
   * interrupt a member's transmission. `scope: "event"`: an organiser's all-call, heard on every
   * channel of the channel's event.
   */
  press(channelId: string, priority = false, scope?: "event") {
    if (this.tx) return;
    this.start(channelId, {
      type: "ptt.start",
      channelId,
      ...(priority ? { priority: true } : {}),
      ...(scope ? { scope } : {}),
    });
  }

  /**
   * Opens the emergency hot mic of `alertId` on `channelId` (which must be subscribed): the same
   * capture, encoder and frames as a press, sent with `emergency: true`, which the server always
   * grants. It closes by itself after `limitMs` (or the server's cap, if shorter); talk buttons
   * letting go do not end it, {@link stopHotMic} does. A transmission of mine in progress gives
   * way to it.
   */
  hotMic(channelId: string, alertId: string, limitMs: number) {
    if (this.tx?.alertId === alertId) return;
    if (this.tx) {
      this.closeCapture(this.tx, true);
      this.done(this.tx);
    }
    this.start(channelId, { type: "ptt.start", channelId, emergency: true, alertId }, { alertId, limitMs });
  }

  /** Ends the hot mic now (the raiser stopped it, or the alert closed). */
  stopHotMic() {
    const tx = this.tx;
    if (tx?.alertId) this.end(tx);
  }

  private start(
    channelId: string,
    msg: ClientMessageOf<"ptt.start">,
    hot: { alertId: string; limitMs: number } | null = null,
  ) {
    const sent = this.conn.send(msg);
    if (!sent) {
      live.deny({ channelId, reason: "not_subscribed", at: Date.now() });
      tones.denied();
      return;
    }
    const tx: Transmission = {
      channelId,
      alertId: hot?.alertId ?? null,
      limitMs: hot?.limitMs ?? null,
      phase: "requesting",
      releasedEarly: false,
      streamId: null,
      seq: null,
      early: [],
      mic: null,
      encoder: null,
      capClosed: false,
      maxTimer: null,
      probeTimer: null,
      grantedAt: null,
      maxDurationMs: null,
    };
    this.tx = tx;
    live.setTalk({ channelId, phase: "requesting", alertId: tx.alertId ?? undefined });
    void this.openMic(tx);
  }

  /** The talk button came up (a hot mic is not the talk button's to end). */
  release() {
    const tx = this.tx;
    if (tx && !tx.alertId) this.end(tx);
  }

  private end(tx: Transmission) {
    if (tx.phase === "requesting") {
      tx.releasedEarly = true;
      this.closeCapture(tx, false);
      return;
    }
    if (tx.phase === "talking") void this.finish(tx);
  }

  /** Toggle mode: press when idle, release when talking. */
  toggle(channelId: string, priority = false, scope?: "event") {
    if (this.tx) this.release();
    else this.press(channelId, priority, scope);
  }

  private async openMic(tx: Transmission) {
    try {
      const profile = linkAdapter.profile;
      tap.frameMs = profile.frameMs;
      tap.bitrate = profile.bitrate;
      tx.encoder = await OpusEncoder.create(
        (packet) => this.onPacket(tx, packet),
        () => this.cut("encoder"),
        profile,
      );
      if (tx.capClosed) {
        tx.encoder.abort();
        return;
      }
      const mic = await MicCapture.open(getSettings().micDeviceId, {
        onBlock: (pcm, rms) => {
          tap.capturedBlocks++;
          tap.capturedSumSq += sumSquares(pcm);
          tap.capturedSamples += pcm.length;
          useLevel.setState({ level: levelFromRms(rms) });
          tx.encoder?.encode(pcm);
        },
      });
      if (tx.capClosed) mic.close();
      else tx.mic = mic;
    } catch (e) {
      console.warn("audio could not start", e);
      if (this.tx === tx) {
        // Give the floor back now rather than hold it silently until the server's lease ends.
        if (tx.streamId !== null || tx.phase === "requesting")
          this.conn.send({ type: "ptt.stop", channelId: tx.channelId });
        this.closeCapture(tx, true);
        this.done(tx);
        live.deny({ channelId: tx.channelId, reason: startFailure(e), at: Date.now() });
        tones.denied();
      }
    }
  }

  private onPacket(tx: Transmission, packet: Uint8Array) {
    if (tx.seq) {
      if (this.conn.sendBinary(tx.seq.push(packet))) tap.framesSent++;
    } else if (tx.phase === "requesting") {
      tx.early.push(packet);
      if (tx.early.length > MAX_EARLY_PACKETS) tx.early.shift();
    }
  }

  private onMessage(m: ServerMessage) {
    const tx = this.tx;
    switch (m.type) {
      case "ptt.granted":
        if (!tx || tx.channelId !== m.channelId || tx.phase !== "requesting") {
          // A grant we no longer want: give the floor straight back.
          this.conn.send({ type: "ptt.stop", channelId: m.channelId });
          return;
        }
        this.granted(tx, m);
        return;
      case "ptt.denied":
        if (!tx || tx.channelId !== m.channelId) return;
        this.closeCapture(tx, true);
        this.done(tx);
        live.deny({
          channelId: m.channelId,
          reason: m.reason,
          speakerName: m.speaker ? userLabel(m.speaker.user) : undefined,
          at: Date.now(),
        });
        tones.denied();
        return;
      case "ptt.stopped":
        if (tx && tx.channelId === m.channelId && tx.phase === "stopping") this.done(tx);
        return;
      case "speaker.stopped":
        if (
          tx &&
          tx.channelId === m.channelId &&
          m.userId === getSession()?.user.id &&
          tx.phase === "talking"
        ) {
          this.cut(m.reason);
        }
        return;
      case "access.revoked":
      case "channel.deleted":
        if (tx && tx.channelId === m.channelId) this.cut("revoked");
        return;
      case "ptt.congested":
        if (tx?.phase === "talking" && tx.streamId === m.streamId) {
          tap.congestedReports++;
          this.adapt(linkAdapter.congested(performance.now()));
        }
        return;
    }
  }

  private granted(tx: Transmission, m: ServerMessageOf<"ptt.granted">) {
    tx.streamId = m.streamId;
    tx.seq = new FrameSequencer(m.streamId);
    tx.grantedAt = Date.now();
    tx.maxDurationMs = m.maxDurationMs;
    if (tx.releasedEarly) {
      this.conn.send({ type: "ptt.stop", channelId: tx.channelId });
      tx.phase = "stopping";
      this.done(tx);
      return;
    }
    tx.phase = "talking";
    const maxMs = Math.min(m.maxDurationMs, tx.limitMs ?? Number.POSITIVE_INFINITY);
    live.setTalk({
      channelId: tx.channelId,
      phase: "talking",
      streamId: m.streamId,
      since: Date.now(),
      maxDurationMs: maxMs,
      alertId: tx.alertId ?? undefined,
    });
    tones.permit();
    for (const p of tx.early.splice(0)) this.onPacket(tx, p);
    tx.probeTimer = setInterval(() => this.probe(tx), PROBE_EVERY_MS);
    // The server's cap ends the transmission (speaker.stopped "timeout", then the cut-off cue and
    // "Maximum talk time reached"), not a timer of ours that would pass for a normal release while
    // the finger is still down. Ours only stands in when that word never comes. A hot mic's own,
    // shorter limit is kept exactly.
    if (tx.limitMs !== null && tx.limitMs < m.maxDurationMs)
      tx.maxTimer = setTimeout(() => this.end(tx), Math.max(1_000, tx.limitMs));
    else tx.maxTimer = setTimeout(() => this.capReached(tx), m.maxDurationMs + CAP_GRACE_MS);
  }

  /** The cap passed and the server said nothing: give the floor back and end as the cap would. */
  private capReached(tx: Transmission) {
    if (this.tx !== tx || tx.phase !== "talking") return;
    this.conn.send({ type: "ptt.stop", channelId: tx.channelId });
    this.cut("timeout");
  }

  private async finish(tx: Transmission) {
    tx.phase = "stopping";
    if (tx.probeTimer) clearInterval(tx.probeTimer);
    live.setTalk({ channelId: tx.channelId, phase: "stopping", streamId: tx.streamId ?? undefined });
    if (tx.maxTimer) clearTimeout(tx.maxTimer);
    tx.mic?.close();
    tx.mic = null;
    useLevel.setState({ level: 0 });
    // The roger beep goes out as the transmission's last audio, so listeners hear the end of it.
    if (getSettings().rogerBeep) for (const block of rogerBeepBlocks()) tx.encoder?.encode(block);
    await tx.encoder?.finish();
    const last = tx.seq?.finish();
    if (last && this.conn.sendBinary(last)) tap.framesSent++;
    this.conn.send({ type: "ptt.stop", channelId: tx.channelId });
    tones.end();
    live.stopped(tx.channelId, "released");
    // If ptt.stopped never comes (socket trouble), do not stay stuck.
    setTimeout(() => {
      if (this.tx === tx) this.done(tx);
    }, 3_000);
  }

  /** Ends the current transmission at once (cut by the server or the network). */
  private cut(reason: string) {
    const tx = this.tx;
    if (!tx) return;
    this.closeCapture(tx, true);
    if (tx.phase === "talking") {
      playCue("cutOff");
      const elapsed = tx.grantedAt === null ? null : Date.now() - tx.grantedAt;
      live.stopped(tx.channelId, stopReason(reason, elapsed, tx.maxDurationMs));
    }
    this.done(tx);
  }

  private closeCapture(tx: Transmission, abort: boolean) {
    tx.capClosed = true;
    tx.mic?.close();
    tx.mic = null;
    if (abort) tx.encoder?.abort();
    else void tx.encoder?.finish();
    useLevel.setState({ level: 0 });
  }

  private done(tx: Transmission) {
    if (tx.maxTimer) clearTimeout(tx.maxTimer);
    if (tx.probeTimer) clearInterval(tx.probeTimer);
    if (this.tx === tx) {
      this.tx = null;
      live.setTalk(null);
    }
  }
}
