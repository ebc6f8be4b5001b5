/**
 * Push-to-talk on this node: grants the floor (with pre-emption by channel moderators and
 * admins), runs the transmissions of local speakers — relay, lease renewal, recording — and
 * announces their start and end on the channel. The transport owns the sockets and the channel
 * service the fan-out; this owns what happens between `ptt.start` and `speaker.stopped`.
 */
import { randomInt } from "node:crypto";
import type { StopReason } from "@won/protocol";
import type { AppendedMessage } from "../commands/messages.js";
import { recordingQuota } from "../commands/storage-quota.js";
import type { AppContext } from "../context.js";
import { transmitDecision } from "../domain/policy.js";
import type { Floor, FloorHolder } from "../engines/index.js";
import { presentUser } from "../presenters/index.js";
import type { ChannelService } from "./channels.js";
import type { Connection } from "./connection.js";
import type { RealtimeMetrics } from "./metrics.js";
import type { RecordingSink } from "./recording-sink.js";
import { Transmission, type TransmissionHost } from "./transmission.js";

export interface PushToTalkDeps {
  /** Repositories, config and quotas, as commands get them. */
  ctx: AppContext;
  floor: Floor;
  channels: Pick<ChannelService, "emit" | "control" | "relayAudio" | "accessChanged">;
  recordings: RecordingSink;
  metrics: RealtimeMetrics;
}

export class PushToTalk implements TransmissionHost {
  readonly leaseMs: number;
  readonly maxDurationMs: number;
  private readonly floor: Floor;
  private readonly channels: PushToTalkDeps["channels"];

  constructor(private readonly deps: PushToTalkDeps) {
    this.leaseMs = deps.ctx.config.ptt.floorLeaseMs;
    this.maxDurationMs = deps.ctx.config.ptt.maxTransmissionMs;
    this.floor = deps.floor;
    this.channels = deps.channels;
  }

  /**
   * `ptt.start`: grants the floor if it is free, or pre-empts a member's transmission when a
   * channel moderator/admin (event organisers and moderators included) asks with priority.
   */
  async start(conn: Connection, channelId: string, wantsPriority: boolean): Promise<void> {
    if (!conn.subscriptions.has(channelId)) {
      return conn.send({ type: "ptt.denied", channelId, reason: "not_subscribed" });
    }
    const current = conn.transmission;
    if (current?.channelId === channelId && !current.ended) {
      return conn.send({
        type: "ptt.granted",
        channelId,
        streamId: current.streamId,
        maxDurationMs: this.maxDurationMs,
      });
    }
    const { ctx } = this.deps;
    // A mute committed after this read is announced by an access notice; one that arrives before
    // the transmission below is registered bumps the epoch, and the grant is re-checked.
    const epoch = conn.accessEpoch;
    const access = (await ctx.repos.channels.findWithAccess(channelId, conn.userId))?.access;
    const decision = access ? transmitDecision(access, wantsPriority) : null;
    if (!decision?.allowed) return conn.send({ type: "ptt.denied", channelId, reason: "forbidden" });
    if (!(await recordingQuota(ctx, { userId: conn.userId, channelId })).allowed)
      return conn.send({ type: "ptt.denied", channelId, reason: "quota_exceeded" });
    // Talk on one channel at a time.
    if (current) await current.end("released");
    const { priority } = decision;
    const streamId = randomInt(1, 2 ** 32 - 1);
    const result = await this.floor.acquire(
      channelId,
      { userId: conn.userId, connId: conn.id, nodeId: ctx.engines.nodeId, streamId, priority },
      { leaseMs: this.leaseMs, preempt: priority },
    );
    if (!result.granted) return this.denyBusy(conn, channelId, result.holder);
    if (conn.closed || !conn.subscriptions.has(channelId)) {
      await this.floor.release(channelId, streamId);
      return;
    }
    if (result.preempted)
      await this.channels.control({
        kind: "floor.preempted",
        channelId,
        streamId: result.preempted.streamId,
      });
    conn.transmission = new Transmission(this, conn, channelId, streamId, priority);
    this.deps.metrics.transmissions++;
    // speaker.started goes out on the channel's topic before any frame of the stream can.
    await this.channels.emit(channelId, {
      type: "speaker.started",
      channelId,
      streamId,
      user: conn.user!,
      priority,
    });
    conn.send({ type: "ptt.granted", channelId, streamId, maxDurationMs: this.maxDurationMs });
    if (conn.accessEpoch !== epoch) await this.channels.accessChanged(conn, channelId);
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
    this.channels.relayAudio(channelId, frame, speaker);
  }

  renew(channelId: string, streamId: number): Promise<boolean> {
    return this.floor.renew(channelId, streamId, this.leaseMs);
  }

  async release(channelId: string, streamId: number): Promise<void> {
    await this.floor.release(channelId, streamId);
  }

  onEnded(t: Transmission): void {
    const conn = t.connection;
    if (conn.transmission === t) conn.transmission = null;
    conn.lastStream = { channelId: t.channelId, streamId: t.streamId };
    this.deps.metrics.framesHeld += t.heldFrames;
    this.deps.metrics.framesDropped += t.droppedFrames;
  }

  store(t: Transmission, ogg: Buffer, durationMs: number): Promise<AppendedMessage | null> {
    return this.deps.recordings.store(t, ogg, durationMs);
  }

  /** `speaker.stopped` (with the audio message when one was stored), then its `message.created`. */
  async stopped(t: Transmission, reason: StopReason, stored: AppendedMessage | null): Promise<void> {
    const { channelId, streamId } = t;
    await this.channels.emit(channelId, {
      type: "speaker.stopped",
      channelId,
      streamId,
      userId: t.connection.userId,
      reason,
      ...(stored ? { message: stored.message } : {}),
    });
    await stored?.announce();
  }
}
