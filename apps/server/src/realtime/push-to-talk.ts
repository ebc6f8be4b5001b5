/**
 * Push-to-talk on this node: grants the floor (with pre-emption by channel moderators and
 * admins), runs the transmissions of local speakers — relay, lease renewal, recording — and
 * announces their start and end on the channel. The transport owns the sockets and the channel
 * service the fan-out; this owns what happens between `ptt.start` and `speaker.stopped`.
 */
import { randomInt } from "node:crypto";
import { frameStreamId, type StopReason } from "@won/protocol";
import { attachAlertRecording } from "../commands/alert-delivery.js";
import type { AppendedMessage } from "../commands/messages.js";
import { recordingQuota } from "../commands/storage-quota.js";
import type { AppContext } from "../context.js";
import { transmitDecision } from "../domain/policy.js";
import type { Floor, FloorHolder, Preempt } from "../engines/index.js";
import { presentUser } from "../presenters/index.js";
import type { ChannelService } from "./channels.js";
import type { Connection, HotMic } from "./connection.js";
import { HOT_MIC_MAX_MS, hotMicFor } from "./hot-mic.js";
import type { RealtimeMetrics } from "./metrics.js";
import type { RecordingSink } from "./recording-sink.js";
import { routeFor, type TalkRoute } from "./talk-scope.js";
import { Transmission, type TransmissionHost } from "./transmission.js";

/** A speaker hears of late listeners at most this often per stream and node (ms). */
const CONGESTION_EVERY_MS = 1_000;

export interface PushToTalkDeps {
  /** Repositories, config and quotas, as commands get them. */
  ctx: AppContext;
  floor: Floor;
  channels: Pick<
    ChannelService,
    "emit" | "control" | "relayAudio" | "accessChanged" | "deliverToUser" | "relayAudioToUsers"
  >;
  recordings: RecordingSink;
  metrics: RealtimeMetrics;
}

export class PushToTalk implements TransmissionHost {
  readonly leaseMs: number;
  readonly maxDurationMs: number;
  private readonly floor: Floor;
  private readonly channels: PushToTalkDeps["channels"];
  /** The route of each local transmission that goes beyond its channel's subscribers. */
  private readonly routes = new Map<number, TalkRoute>();
  /** When each stream's speaker was last told of a late listener (ms since the epoch). */
  private readonly congestionToldAt = new Map<number, number>();

  constructor(private readonly deps: PushToTalkDeps) {
    this.leaseMs = deps.ctx.config.ptt.floorLeaseMs;
    this.maxDurationMs = deps.ctx.config.ptt.maxTransmissionMs;
    this.floor = deps.floor;
    this.channels = deps.channels;
  }

  /**
   * `ptt.start`: grants the floor if it is free, or pre-empts a member's transmission when a
   * channel moderator/admin (event organisers and moderators included) asks with priority. With
   * `allCall` (scope `event`, organisers only) it takes the floor of every channel of the event,
   * pre-empting any transmission but a hot mic; on a patched channel, the floors of the patch.
   */
  async start(conn: Connection, channelId: string, wantsPriority: boolean, allCall = false): Promise<void> {
    if (this.answeredAlready(conn, channelId)) return;
    const { ctx } = this.deps;
    // A mute committed after this read is announced by an access notice; one that arrives before
    // the transmission below is registered bumps the epoch, and the grant is re-checked.
    const epoch = conn.accessEpoch;
    const found = await ctx.repos.channels.findWithAccess(channelId, conn.userId);
    const decision = found?.access ? transmitDecision(found.access, wantsPriority) : null;
    if (!found?.access || !decision?.allowed)
      return conn.send({ type: "ptt.denied", channelId, reason: "forbidden" });
    const route = await routeFor(ctx, conn.userId, found.channel, found.access, allCall);
    if (route === "forbidden") return conn.send({ type: "ptt.denied", channelId, reason: "forbidden" });
    if (!(await recordingQuota(ctx, { userId: conn.userId, channelId })).allowed)
      return conn.send({ type: "ptt.denied", channelId, reason: "quota_exceeded" });
    const priority = decision.priority || allCall;
    const preempt = allCall ? "allCall" : decision.priority;
    await this.take(conn, channelId, { priority, preempt, epoch, hotMic: null, route });
  }

  /**
   * `audio.late` from a subscriber of `channelId`: tells the speaker of the stream now holding
   * its floor (`ptt.congested`, to the speaker's sockets on whichever instance), at most once a
   * second per stream from this node, so many late listeners make one message. A report on a
   * channel the socket is not subscribed to, or on a stream that is no longer on air (it ended
   * meanwhile), changes nothing.
   */
  async congested(conn: Connection, channelId: string, streamId: number, lateMs: number): Promise<void> {
    if (!conn.subscriptions.has(channelId)) return;
    const now = Date.now();
    if (now - (this.congestionToldAt.get(streamId) ?? 0) < CONGESTION_EVERY_MS) return;
    const holder = await this.floor.current(channelId);
    if (!holder || holder.streamId !== streamId || holder.userId === conn.userId) return;
    this.congestionToldAt.set(streamId, now);
    if (this.congestionToldAt.size > 1_000) {
      for (const [id, at] of this.congestionToldAt)
        if (now - at > CONGESTION_EVERY_MS) this.congestionToldAt.delete(id);
    }
    await this.channels.deliverToUser([holder.userId], {
      type: "ptt.congested",
      channelId,
      streamId,
      lateMs,
    });
  }

  /**
   * `ptt.start` with `emergency: true`: the alert's raiser is always granted the floor (see
   * hot-mic.ts), whatever their speak permission, pre-empting anyone; others get `forbidden`.
   */
  async startHotMic(conn: Connection, channelId: string, alertId: string): Promise<void> {
    if (this.answeredAlready(conn, channelId, true)) return;
    const epoch = conn.accessEpoch;
    const hotMic = await hotMicFor(this.deps.ctx, conn.userId, channelId, alertId);
    if (!hotMic) return conn.send({ type: "ptt.denied", channelId, reason: "forbidden" });
    await this.take(conn, channelId, { priority: true, preempt: "always", epoch, hotMic, route: null });
  }

  /** Not subscribed (denied), or already transmitting here (the same grant again; a hot mic
   *  asked during an ordinary transmission replaces it instead). */
  private answeredAlready(conn: Connection, channelId: string, hotMic = false): boolean {
    if (!conn.subscriptions.has(channelId)) {
      conn.send({ type: "ptt.denied", channelId, reason: "not_subscribed" });
      return true;
    }
    const current = conn.transmission;
    if (current?.channelId !== channelId || current.ended) return false;
    if (hotMic && !current.emergency) return false;
    conn.send({
      type: "ptt.granted",
      channelId,
      streamId: current.streamId,
      maxDurationMs: this.capOf(current.emergency),
    });
    return true;
  }

  private capOf(hotMic: HotMic | null): number {
    return hotMic ? Math.min(HOT_MIC_MAX_MS, this.maxDurationMs) : this.maxDurationMs;
  }

  /** Takes the floor (every floor of its route) for an authorised start and announces the
   *  transmission on each of its channels. */
  private async take(
    conn: Connection,
    channelId: string,
    o: { priority: boolean; preempt: Preempt; epoch: number; hotMic: HotMic | null; route: TalkRoute | null },
  ): Promise<void> {
    const { ctx } = this.deps;
    // Talk on one channel at a time.
    if (conn.transmission) await conn.transmission.end("released");
    const { priority, hotMic, route } = o;
    const streamId = randomInt(1, 2 ** 32 - 1);
    const claim = { userId: conn.userId, connId: conn.id, nodeId: ctx.engines.nodeId, streamId, priority };
    const opts = { leaseMs: this.leaseMs, preempt: o.preempt };
    const channelIds = route?.channelIds ?? [channelId];
    const result = route?.group
      ? await this.floor.acquireAll(channelIds, { ...claim, origin: channelId, ...allCallMark(route) }, opts)
      : await this.floor
          .acquire(channelId, { ...claim, ...(hotMic ? { emergency: true as const } : {}) }, opts)
          .then((r) =>
            r.granted ? { ...r, preempted: r.preempted ? [{ channelId, holder: r.preempted }] : [] } : r,
          );
    if (!result.granted) return this.denyBusy(conn, channelId, result.holder);
    if (conn.closed || !conn.subscriptions.has(channelId)) {
      await this.floor.releaseAll(channelIds, streamId);
      return;
    }
    // Each displaced transmission is ended once, on the channel it runs on.
    const displaced = new Map(
      result.preempted.map((p) => [p.holder.streamId, p.holder.origin ?? p.channelId]),
    );
    for (const [stream, on] of displaced)
      await this.channels.control({ kind: "floor.preempted", channelId: on, streamId: stream });
    const maxDurationMs = this.capOf(hotMic);
    if (route && (route.group || route.users.length > 0)) this.routes.set(streamId, route);
    conn.transmission = new Transmission(this, conn, channelId, streamId, priority, hotMic, maxDurationMs);
    this.deps.metrics.transmissions++;
    // speaker.started goes out on each channel's topic before any frame of the stream can (and,
    // for a hot mic, on each staff member's topic before any frame is sent there).
    const started = {
      type: "speaker.started" as const,
      channelId,
      streamId,
      user: conn.user!,
      priority,
      ...(hotMic ? { emergency: true as const, alertId: hotMic.alertId } : {}),
      ...(route?.group ?? {}),
    };
    await Promise.all(channelIds.map((id) => this.channels.emit(id, started)));
    if (hotMic) await this.channels.deliverToUser(hotMic.staff, started);
    conn.send({ type: "ptt.granted", channelId, streamId, maxDurationMs });
    if (conn.accessEpoch !== o.epoch) await this.channels.accessChanged(conn, channelId);
  }

  private async denyBusy(conn: Connection, channelId: string, holder: FloorHolder): Promise<void> {
    const holderUser = await this.deps.ctx.repos.users.findById(holder.userId);
    conn.send({
      type: "ptt.denied",
      channelId,
      reason: "busy",
      ...(holderUser
        ? {
            speaker: {
              user: presentUser(holderUser),
              streamId: holder.streamId,
              since: new Date(holder.since).toISOString(),
            },
          }
        : {}),
    });
  }

  relay(channelId: string, frame: Buffer, speaker: Connection): void {
    const route = this.routes.size === 0 ? undefined : this.routes.get(frameStreamId(frame));
    if (route?.group) for (const id of route.channelIds) this.channels.relayAudio(id, frame, speaker);
    else this.channels.relayAudio(channelId, frame, speaker);
    if (route?.users.length) this.channels.relayAudioToUsers(route.users, frame);
    const hotMic = speaker.transmission?.emergency;
    if (hotMic) this.channels.relayAudioToUsers(hotMic.staff, frame);
  }

  renew(channelId: string, streamId: number): Promise<boolean> {
    const route = this.routes.get(streamId);
    if (route?.group) return this.floor.renewAll(route.channelIds, streamId, this.leaseMs);
    return this.floor.renew(channelId, streamId, this.leaseMs);
  }

  async release(channelId: string, streamId: number): Promise<void> {
    const route = this.routes.get(streamId);
    if (route?.group) await this.floor.releaseAll(route.channelIds, streamId);
    else await this.floor.release(channelId, streamId);
  }

  onEnded(t: Transmission): void {
    const conn = t.connection;
    if (conn.transmission === t) conn.transmission = null;
    conn.lastStream = { channelId: t.channelId, streamId: t.streamId };
    this.deps.metrics.framesHeld += t.heldFrames;
    this.deps.metrics.framesDropped += t.droppedFrames;
  }

  store(t: Transmission, ogg: Buffer, durationMs: number): Promise<AppendedMessage | null> {
    const route = this.routes.get(t.streamId);
    const alsoIn = route?.group ? route.channelIds.filter((id) => id !== t.channelId) : [];
    return this.deps.recordings.store(t, ogg, durationMs, alsoIn);
  }

  /** `speaker.stopped` (with the audio message when one was stored), then its `message.created`. */
  async stopped(t: Transmission, reason: StopReason, stored: AppendedMessage | null): Promise<void> {
    const { channelId, streamId } = t;
    const route = this.routes.get(streamId);
    this.routes.delete(streamId);
    const event = {
      type: "speaker.stopped" as const,
      channelId,
      streamId,
      userId: t.connection.userId,
      reason,
      ...(stored ? { message: stored.message } : {}),
      ...(route?.group ? { channelIds: [...route.channelIds] } : {}),
    };
    await Promise.all(
      (route?.group ? route.channelIds : [channelId]).map((id) => this.channels.emit(id, event)),
    );
    if (t.emergency) await this.channels.deliverToUser(t.emergency.staff, event);
    await stored?.announce();
    const recordingId = stored?.message.recording?.id;
    if (t.emergency && recordingId) {
      await attachAlertRecording(this.deps.ctx, t.emergency.alertId, recordingId, t.connection.userId).catch(
        (err) =>
          this.deps.ctx.log.error({ err, alertId: t.emergency?.alertId }, "could not attach a recording"),
      );
    }
  }
}

/** An all-call's floors can be taken only by a hot mic (see Preempt). */
function allCallMark(route: TalkRoute): { allCall?: true } {
  return route.group?.scope === "event" ? { allCall: true } : {};
}
