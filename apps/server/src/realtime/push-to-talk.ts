/**
 * Push-to-talk on this node: grants the floor (with pre-emption by channel moderators and
 * admins), runs the transmissions of local speakers — relay, lease renewal, recording — and
 * announces their start and end on the channel's topic. Realtime owns the sockets; this owns
 * what happens between `ptt.start` and `speaker.stopped`.
 */
import { randomInt } from "node:crypto";
import type { Message, StopReason } from "@won/protocol";
import { presentMessages } from "../commands/messages.js";
import { recordingQuota, recordingStored } from "../commands/storage-quota.js";
import { transmitDecision } from "../domain/policy.js";
import { presentUser } from "../presenters/index.js";
import { channelTopic } from "./channel-hub.js";
import type { Realtime } from "./realtime.js";
import type { Session } from "./session.js";
import { Transmission, type TransmissionHost } from "./transmission.js";

export class PushToTalk implements TransmissionHost {
  readonly leaseMs: number;
  readonly maxDurationMs: number;

  constructor(private readonly rt: Realtime) {
    this.leaseMs = rt.ctx.config.ptt.floorLeaseMs;
    this.maxDurationMs = rt.ctx.config.ptt.maxTransmissionMs;
  }

  /**
   * `ptt.start`: grants the floor if it is free, or pre-empts a member's transmission when a
   * channel moderator/admin (event organisers and moderators included) asks with priority.
   */
  async start(session: Session, channelId: string, wantsPriority: boolean): Promise<void> {
    if (!session.subscriptions.has(channelId)) {
      return session.send({ type: "ptt.denied", channelId, reason: "not_subscribed" });
    }
    const current = session.transmission;
    if (current?.channelId === channelId && !current.ended) {
      return session.send({
        type: "ptt.granted",
        channelId,
        streamId: current.streamId,
        maxDurationMs: this.maxDurationMs,
      });
    }
    // A mute committed after this read is announced by an access notice; one that arrives before
    // the transmission below is registered bumps the epoch, and the grant is re-checked.
    const epoch = session.accessEpoch;
    const access = (await this.rt.ctx.repos.channels.findWithAccess(channelId, session.userId))?.access;
    const decision = access ? transmitDecision(access, wantsPriority) : null;
    if (!decision?.allowed) return session.send({ type: "ptt.denied", channelId, reason: "forbidden" });
    if (!(await recordingQuota(this.rt.ctx, { userId: session.userId, channelId })).allowed)
      return session.send({ type: "ptt.denied", channelId, reason: "quota_exceeded" });
    // Talk on one channel at a time.
    if (current) await current.end("released");
    const { priority } = decision;
    const streamId = randomInt(1, 2 ** 32 - 1);
    const result = await this.rt.ctx.engines.floor.acquire(
      channelId,
      { userId: session.userId, connId: session.id, nodeId: this.rt.ctx.engines.nodeId, streamId, priority },
      { leaseMs: this.leaseMs, preempt: priority },
    );
    if (!result.granted) {
      const holderUser = await this.rt.ctx.repos.users.findById(result.holder.userId);
      return session.send({
        type: "ptt.denied",
        channelId,
        reason: "busy",
        ...(holderUser
          ? {
              speaker: {
                user: presentUser(holderUser),
                streamId: result.holder.streamId,
                since: new Date(result.holder.since).toISOString(),
              },
            }
          : {}),
      });
    }
    if (session.closed || !session.subscriptions.has(channelId)) {
      await this.rt.ctx.engines.floor.release(channelId, streamId);
      return;
    }
    if (result.preempted)
      await this.rt.emit(channelId, {
        type: "_floor.preempted",
        channelId,
        streamId: result.preempted.streamId,
      });
    session.transmission = new Transmission(this, session, channelId, streamId, priority);
    this.rt.stats.transmissions++;
    // speaker.started goes out on the channel's topic before any frame of the stream can.
    await this.rt.emit(channelId, {
      type: "speaker.started",
      channelId,
      streamId,
      user: session.user!,
      priority,
    });
    session.send({ type: "ptt.granted", channelId, streamId, maxDurationMs: this.maxDurationMs });
    if (session.accessEpoch !== epoch) await this.rt.accessChanged(session, channelId);
  }

  relay(channelId: string, frame: Buffer, speaker: Session): void {
    this.rt.ctx.engines.broker.publish(channelTopic(channelId), frame).catch(() => undefined);
    this.rt.stats.framesDelivered += this.rt.hub.deliverAudio(channelId, frame, speaker);
  }

  renew(channelId: string, streamId: number): Promise<boolean> {
    return this.rt.ctx.engines.floor.renew(channelId, streamId, this.leaseMs);
  }

  async release(channelId: string, streamId: number): Promise<void> {
    await this.rt.ctx.engines.floor.release(channelId, streamId);
  }

  onEnded(t: Transmission): void {
    if (t.session.transmission === t) t.session.transmission = null;
    t.session.lastStream = { channelId: t.channelId, streamId: t.streamId };
    this.rt.stats.framesHeld += t.heldFrames;
    this.rt.stats.framesDropped += t.droppedFrames;
  }

  async store(t: Transmission, ogg: Buffer, durationMs: number): Promise<Message | null> {
    try {
      const { message: row } = await this.rt.ctx.repos.messages.append(t.channelId, {
        senderId: t.session.userId,
        kind: "audio",
        recording: {
          id: crypto.randomUUID(),
          stream_id: t.streamId,
          duration_ms: durationMs,
          size_bytes: ogg.length,
          data: ogg,
        },
      });
      recordingStored(this.rt.ctx, { userId: t.session.userId, channelId: t.channelId, bytes: ogg.length });
      const [message] = await presentMessages(this.rt.ctx, [row]);
      return message ?? null;
    } catch (err) {
      this.rt.ctx.log.error({ err, channelId: t.channelId }, "could not store a recording");
      return null;
    }
  }

  async stopped(t: Transmission, reason: StopReason, message: Message | null): Promise<void> {
    const { channelId, streamId } = t;
    await this.rt.emit(channelId, {
      type: "speaker.stopped",
      channelId,
      streamId,
      userId: t.session.userId,
      reason,
      ...(message ? { message } : {}),
    });
    if (message) await this.rt.emit(channelId, { type: "message.created", channelId, message });
  }
}
