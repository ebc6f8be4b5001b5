/**
 * The channel service: which local sockets follow which channel, presence, and every event of a
 * channel on its way between instances and sockets. Over the Broker, Presence and the local
 * hubs; it never touches a socket but to write to it. Also the one per-user delivery
 * primitive, `deliverToUser`, over one broker topic per user.
 *
 * Publish before local delivery: an event is serialised once, published, then the same bytes
 * go to the local sockets, so remote listeners are not delayed by the local write loop. A
 * broker failure is logged, never thrown: the database is the record, clients resync by `seq`.
 */
import { frameStreamId, type ServerMessage, type StopReason } from "@won/protocol";
import { loadPresence } from "../commands/channels.js";
import type { AppContext } from "../context.js";
import { AppError } from "../domain/errors.js";
import { type ChannelGrant, channelAbilities, mayContinueTransmission } from "../domain/policy.js";
import type { Broker } from "../engines/index.js";
import { directCallPayload } from "../push/payloads.js";
import { ChannelHub, channelTopic } from "./channel-hub.js";
import {
  type ClusterMessage,
  type ControlMessage,
  clusterEvent,
  decodeClusterMessage,
  encodeClusterMessage,
  isAudioPayload,
} from "./cluster-message.js";
import { type Connection, MAX_SUBSCRIPTIONS } from "./connection.js";
import type { LiveEvents } from "./live-events.js";
import type { RealtimeMetrics } from "./metrics.js";
import { RemoteStreams } from "./remote-streams.js";
import { replayMissed } from "./replay.js";
import { DirectChannels, GroupStreams, groupOf } from "./talk-groups.js";
import { UserHub, userTopic } from "./user-hub.js";

type EventMessage = Extract<ClusterMessage, { kind: "event" }>;

export class ChannelService {
  /** The local sockets of each channel (read by the metrics gauges and tests). */
  readonly hub: ChannelHub;
  /** What commands tell sockets after their transaction commits (`ctx.live`). */
  readonly live: LiveEvents;
  private readonly users: UserHub;
  private readonly remote: RemoteStreams;
  private readonly broker: Broker;
  private readonly groups = new GroupStreams();
  private readonly direct: DirectChannels;

  constructor(
    private readonly ctx: AppContext,
    private readonly metrics: RealtimeMetrics,
  ) {
    this.broker = ctx.engines.broker;
    this.direct = new DirectChannels(ctx);
    this.hub = new ChannelHub(this.broker, (channelId, payload) => this.onChannelPayload(channelId, payload));
    this.users = new UserHub(this.broker, (userId, payload) => this.onUserPayload(userId, payload));
    this.remote = new RemoteStreams(ctx.config.ptt.floorLeaseMs, (channelId, streamId, userId) =>
      this.onRemoteStreamLost(channelId, streamId, userId),
    );
    this.live = this.liveEvents();
    ctx.engines.presence.onSwept(
      (channelId, userId) => void this.emit(channelId, { type: "presence.left", channelId, userId }),
    );
    this.broker.onStateChange((up) => {
      if (!up) return;
      // Events published while the broker was away are lost to this node: tell clients to catch up.
      for (const channelId of this.hub.channelIds()) {
        this.hub.deliverText(channelId, clusterEvent({ type: "resync.truncated", channelId }).bytes);
      }
    });
  }

  // ------------------------------------------------------------------ membership

  /** The caller's access to a channel; throws `not_found` or `not_a_member`. */
  async access(conn: Connection, channelId: string): Promise<ChannelGrant> {
    const found = await this.ctx.repos.channels.findWithAccess(channelId, conn.userId);
    if (!found) throw new AppError("not_found", "No such channel");
    if (!found.access) throw new AppError("not_a_member", "You are not a member of this channel");
    return found.access;
  }

  /**
   * Subscribes a socket the caller checked may follow the channel. The node listens to the
   * channel's topic BEFORE reading `lastSeq` and the missed messages, and holds live events back
   * until the replay is sent, so the client gets every message exactly once and in order. A
   * re-subscribe replays only what came after its previous subscribe (the rest reached it live);
   * replays are bounded further in replay.ts.
   */
  async subscribe(conn: Connection, channelId: string, sinceSeq: number | undefined): Promise<void> {
    const existing = conn.subscriptions.get(channelId);
    if (!existing) {
      if (conn.subscriptions.size >= MAX_SUBSCRIPTIONS)
        throw new AppError("conflict", `At most ${MAX_SUBSCRIPTIONS} channels per connection`);
      conn.subscriptions.set(channelId, { pending: [], replayedUpTo: 0 });
      await this.hub.add(channelId, conn);
      await this.join(conn, channelId);
    } else {
      existing.pending ??= [];
      if (sinceSeq !== undefined) sinceSeq = Math.max(sinceSeq, existing.replayedUpTo);
    }
    const [channel, presence] = await Promise.all([
      this.ctx.repos.channels.findById(channelId),
      loadPresence(this.ctx, channelId),
    ]);
    if (!channel) return;
    const lastSeq = Number(channel.last_seq);
    conn.send({
      type: "subscribed",
      channelId,
      lastSeq,
      presence: presence.online,
      speaker: presence.speaker,
    });
    await replayMissed(this.ctx, conn, channelId, sinceSeq, lastSeq);
  }

  private async join(conn: Connection, channelId: string): Promise<void> {
    const first = await this.ctx.engines.presence.add(channelId, conn.userId, conn.id);
    if (first) await this.emit(channelId, { type: "presence.joined", channelId, user: conn.user! });
  }

  /** Unsubscribes a socket from a channel, ending its transmission there. */
  async leave(conn: Connection, channelId: string, reason: StopReason): Promise<void> {
    if (!conn.subscriptions.delete(channelId)) return;
    const t = conn.transmission;
    if (t && t.channelId === channelId) await t.end(reason);
    await this.hub.remove(channelId, conn);
    const last = await this.ctx.engines.presence.remove(channelId, conn.userId, conn.id);
    if (last) await this.emit(channelId, { type: "presence.left", channelId, userId: conn.userId });
  }

  /** Makes an authenticated socket reachable by `deliverToUser`, once this node listens to the
   *  user's topic. A broker failure is logged: the socket still works, as after a lost publish. */
  async attachUser(conn: Connection): Promise<void> {
    await this.users.add(conn.userId, conn).catch((err) => {
      this.ctx.log.warn({ err: (err as Error).message }, "broker subscribe failed");
    });
  }

  /** A socket is gone: it leaves its channels and its user's topic. */
  async disconnect(conn: Connection): Promise<void> {
    await Promise.all(
      [...conn.subscriptions.keys()].map((id) => this.leave(conn, id, "disconnected").catch(() => undefined)),
    );
    if (conn.claims) await this.users.remove(conn.userId, conn).catch(() => undefined);
  }

  // ------------------------------------------------------------------ outbound

  /**
   * Publishes a client-bound event of a channel to the other nodes, then delivers it here. A
   * direct channel's events also go to both its users by per-user delivery (their sockets not
   * subscribed to it), so a call reaches them wherever they are.
   */
  async emit(channelId: string, event: ServerMessage): Promise<void> {
    await this.publish(channelId, clusterEvent(event));
    const pair = await this.direct.usersOf(channelId);
    if (!pair) return;
    await this.deliverToUser(pair, event);
    // A call to someone whose app is closed or hidden wakes their phone.
    if (event.type === "speaker.started")
      this.ctx.push.notify(
        pair.filter((id) => id !== event.user.id),
        directCallPayload(channelId, event.user),
      );
  }

  /** Publishes a control message to every node of the channel (this one included). */
  control(msg: ControlMessage): Promise<void> {
    return this.publish(msg.channelId, msg);
  }

  private async publish(channelId: string, msg: EventMessage | ControlMessage): Promise<void> {
    try {
      await this.broker.publish(channelTopic(channelId), encodeClusterMessage(msg));
    } catch (err) {
      const type = msg.kind === "event" ? msg.event.type : `_${msg.kind}`;
      this.ctx.log.warn({ err: (err as Error).message, type }, "broker publish failed");
    }
    this.onChannelMessage(channelId, msg, false);
  }

  /** A local speaker's frame: published (fire and forget), then framed once for the local
   *  listeners but the speaker. Hot path. */
  relayAudio(channelId: string, frame: Buffer, speaker: Connection): void {
    this.broker.publish(channelTopic(channelId), frame).catch(() => undefined);
    const group = this.groups.of(frameStreamId(frame));
    this.metrics.framesDelivered += this.hub.deliverAudio(channelId, frame, speaker, group);
  }

  /**
   * Delivers `message` to every open socket of these users on every instance, subscribed to
   * anything or not: published on each user's topic, then written to the local ones. At most
   * once, like every broker delivery; a user with no socket anywhere gets nothing.
   */
  async deliverToUser(userIds: Iterable<string>, message: ServerMessage): Promise<void> {
    const { bytes } = clusterEvent(message);
    const ids = [...new Set(userIds)];
    await Promise.all(
      ids.map((id) =>
        this.broker.publish(userTopic(id), bytes).catch((err) => {
          this.ctx.log.warn({ err: (err as Error).message, type: message.type }, "broker publish failed");
        }),
      ),
    );
    for (const id of ids) this.users.deliver(id, bytes, message);
  }

  /**
   * A frame of a transmission whose `speaker.started` went to these users by
   * {@link deliverToUser}: to their sockets not subscribed to its channel, on every instance.
   * Fire and forget, like channel audio. Hot path of an emergency hot mic.
   */
  relayAudioToUsers(userIds: readonly string[], frame: Buffer): void {
    for (const id of userIds) {
      this.broker.publish(userTopic(id), frame).catch(() => undefined);
      this.metrics.framesDelivered += this.users.deliverAudio(id, frame);
    }
  }

  // ------------------------------------------------------------------ inbound

  /** Every payload of a channel topic from the broker. Only these feed the remote-stream
   *  watchdog: this node's own transmissions are not remote. */
  private onChannelPayload(channelId: string, payload: Buffer): void {
    if (isAudioPayload(payload)) {
      const t0 = performance.now();
      this.remote.frame(channelId, frameStreamId(payload));
      // Framing copies the payload: the broker's buffer is only ours during this call.
      const group = this.groups.of(frameStreamId(payload));
      this.metrics.framesDelivered += this.hub.deliverAudio(channelId, payload, null, group);
      this.metrics.observeRelay((performance.now() - t0) / 1000);
      return;
    }
    const msg = decodeClusterMessage(payload);
    if (!msg || msg.kind === "audio") {
      this.ctx.log.warn({ channelId }, "dropped an unparseable broker payload");
      return;
    }
    // The broker's buffer is only ours during this call; sockets may still be writing it later.
    this.onChannelMessage(
      channelId,
      msg.kind === "event" ? { ...msg, bytes: Buffer.from(msg.bytes) } : msg,
      true,
    );
  }

  private onUserPayload(userId: string, payload: Buffer): void {
    if (isAudioPayload(payload)) {
      this.metrics.framesDelivered += this.users.deliverAudio(userId, payload);
      return;
    }
    const msg = decodeClusterMessage(payload);
    if (msg?.kind !== "event") {
      this.ctx.log.warn({ userId }, "dropped an unparseable broker payload");
      return;
    }
    this.users.deliver(userId, Buffer.from(msg.bytes), msg.event);
  }

  private onChannelMessage(channelId: string, msg: EventMessage | ControlMessage, fromBroker: boolean): void {
    switch (msg.kind) {
      case "event":
        this.onEvent(channelId, msg, fromBroker);
        return;
      case "access.revoked":
        for (const c of [...this.hub.connections(msg.channelId)]) {
          if (!msg.userIds.includes(c.userId)) continue;
          void this.leave(c, msg.channelId, "revoked").then(() =>
            c.send({ type: "access.revoked", channelId: msg.channelId }),
          );
        }
        return;
      case "access.changed":
        for (const c of [...this.hub.connections(msg.channelId)]) {
          if (c.userId !== msg.userId) continue;
          c.accessEpoch++;
          void this.accessChanged(c, msg.channelId).catch(() => undefined);
        }
        return;
      case "floor.preempted":
        for (const c of [...this.hub.connections(msg.channelId)]) {
          const t = c.transmission;
          if (t?.channelId === msg.channelId && t.streamId === msg.streamId) void t.end("preempted");
        }
        return;
    }
  }

  private onEvent(channelId: string, { event, bytes }: EventMessage, fromBroker: boolean): void {
    const group = groupOf(event);
    switch (event.type) {
      case "speaker.started":
        if (fromBroker) this.remote.started(channelId, event.streamId, event.user.id);
        if (group) this.groups.started(event.streamId, group);
        break;
      case "speaker.stopped":
        this.remote.stopped(channelId, event.streamId);
        if (group) this.groups.stopped(event.streamId);
        break;
      case "channel.deleted":
        this.hub.deliverText(channelId, bytes);
        for (const c of [...this.hub.connections(channelId)]) void this.leave(c, channelId, "revoked");
        return;
    }
    this.hub.deliverText(
      channelId,
      bytes,
      event.type === "message.created" ? event.message.seq : undefined,
      group,
    );
  }

  /** The user's role or speak permission changed: tell their socket, and end a transmission
   *  they may no longer make (muted, or demoted below a priority transmission's rank). */
  async accessChanged(conn: Connection, channelId: string): Promise<void> {
    const access = (await this.ctx.repos.channels.findWithAccess(channelId, conn.userId))?.access;
    if (!access) return;
    conn.send({
      type: "access.changed",
      channelId,
      myRole: access.role,
      canSpeak: access.canSpeak,
      abilities: channelAbilities(access),
    });
    const t = conn.transmission;
    // A hot mic does not depend on the channel role: it lasts while the alert is open.
    if (t?.channelId === channelId && !t.emergency && !mayContinueTransmission(access, t.priority))
      await t.end("revoked");
  }

  /** A remote speaker's node went quiet without `speaker.stopped` (it crashed): tell local listeners. */
  private async onRemoteStreamLost(channelId: string, streamId: number, userId: string): Promise<void> {
    const holder = await this.ctx.engines.floor.current(channelId).catch(() => undefined);
    if (holder === undefined || holder?.streamId === streamId)
      return this.remote.started(channelId, streamId, userId);
    const { bytes } = clusterEvent({
      type: "speaker.stopped",
      channelId,
      streamId,
      userId,
      reason: "disconnected",
    });
    this.hub.deliverText(channelId, bytes);
  }

  private liveEvents(): LiveEvents {
    return {
      messageCreated: (message) =>
        this.emit(message.channelId, { type: "message.created", channelId: message.channelId, message }),
      messageAcked: (ack) => this.emit(ack.channelId, { type: "message.acked", ...ack }),
      channelUpdated: (channel) => this.emit(channel.id, { type: "channel.updated", channel }),
      channelDeleted: (channelId) => this.emit(channelId, { type: "channel.deleted", channelId }),
      accessRevoked: (channelId, userIds) =>
        this.control({ kind: "access.revoked", channelId, userIds: [...userIds] }),
      accessChanged: (channelId, userId) => this.control({ kind: "access.changed", channelId, userId }),
      alertChanged: (kind, alert, userIds) => this.deliverToUser(userIds, { type: `alert.${kind}`, alert }),
      patchChanged: async (kind, patch, channelIds) => {
        const event: ServerMessage =
          kind === "deleted"
            ? {
                type: "patch.deleted",
                patchId: patch.id,
                eventId: patch.eventId,
                channelIds: [...channelIds],
              }
            : { type: `patch.${kind}`, patch };
        await Promise.all(channelIds.map((id) => this.emit(id, event)));
      },
    };
  }

  /** Channel subscriptions of the sockets on this node. */
  subscriptionCount(): number {
    let n = 0;
    for (const id of this.hub.channelIds()) n += this.hub.connections(id).size;
    return n;
  }

  /** Channels with at least one local subscriber (= channel topics this node holds). */
  channelCount(): number {
    let n = 0;
    for (const _ of this.hub.channelIds()) n++;
    return n;
  }

  close(): void {
    this.remote.close();
  }
}
