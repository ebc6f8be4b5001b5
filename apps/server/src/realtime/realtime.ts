/**
 * The real-time gateway (`GET /api/v1/realtime`) of one instance, assembled from its parts:
 *
 * - `transport.ts` — sockets only: upgrade, limits, auth deadline, parsing and dispatch,
 *   binary routing, heartbeat, per-user cap, revocation watch;
 * - `handlers/*.ts` — one file per client message type, given the narrow dependencies it uses;
 * - `channels.ts` — subscriptions, presence, and every channel event between instances and
 *   sockets (`cluster-message.ts` is what crosses instances), plus per-user delivery;
 * - `push-to-talk.ts` — the floor and the transmissions of local speakers.
 *
 * See docs/protocol.md for the messages and docs/architecture.md ("Realtime flow") for the flow.
 */
import type { Server } from "node:http";
import { openAlertsFor } from "../commands/alert-delivery.js";
import type { AppContext } from "../context.js";
import { Attention } from "./attention.js";
import { ChannelService } from "./channels.js";
import { bindHandlers } from "./handlers/index.js";
import type { LiveEvents } from "./live-events.js";
import type { RealtimeMetrics } from "./metrics.js";
import { PushToTalk } from "./push-to-talk.js";
import { MessagesRecordingSink } from "./recording-sink.js";
import { Transport } from "./transport.js";

export class Realtime {
  readonly transport: Transport;
  readonly channels: ChannelService;
  /** Push-to-talk: the floor, transmissions and their recordings (push-to-talk.ts). */
  readonly ptt: PushToTalk;
  /** Which sockets have the app in view (for Web Push). */
  readonly attention: Attention;
  /** What commands tell sockets after their transaction commits (`ctx.live`). */
  readonly live: LiveEvents;

  constructor(
    private readonly ctx: AppContext,
    /** Where the gateway counts frames, transmissions and slow sockets. */
    readonly metrics: RealtimeMetrics,
  ) {
    this.channels = new ChannelService(ctx, metrics);
    this.live = this.channels.live;
    this.attention = new Attention(ctx.engines.attention, ctx.log);
    this.ptt = new PushToTalk({
      ctx,
      floor: ctx.engines.floor,
      channels: this.channels,
      recordings: new MessagesRecordingSink(ctx),
      metrics,
    });
    this.transport = new Transport({
      config: ctx.config,
      revocations: ctx.engines.revocations,
      log: ctx.log,
      metrics,
      onClosed: async (conn) => {
        await Promise.all([this.channels.disconnect(conn), this.attention.closed(conn)]);
      },
    });
  }

  attach(server: Server): void {
    this.transport.attach(
      server,
      bindHandlers({
        channels: this.channels,
        ptt: this.ptt,
        attention: this.attention,
        connections: this.transport,
        tokens: this.ctx.tokens,
        revocations: this.ctx.engines.revocations,
        users: this.ctx.repos.users,
        openAlerts: (userId) => openAlertsFor(this.ctx, userId),
      }),
    );
  }

  get connectionCount(): number {
    return this.transport.connectionCount;
  }

  subscriptionCount(): number {
    return this.channels.subscriptionCount();
  }

  channelCount(): number {
    return this.channels.channelCount();
  }

  /**
   * Graceful stop: refuse new sockets, end transmissions (their recordings are stored), close
   * every socket with 1012 so clients reconnect to another instance, and clean up presence.
   */
  async close(): Promise<void> {
    this.channels.close();
    await this.transport.close();
  }
}
