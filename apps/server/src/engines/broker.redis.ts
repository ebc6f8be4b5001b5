import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Broker, BrokerHandler } from "./broker.js";
import { consoleLogger, type EngineLogger } from "./engine-logger.js";

export interface RedisBrokerOptions {
  nodeId?: string;
  /** Command connection, used for PUBLISH (shared with the other engines). */
  redis: Redis;
  /** Connection used only for SUBSCRIBE; give it `autoResubscribe: false` (the broker re-subscribes). */
  subscriber: Redis;
  /** Prefix of every pub/sub channel name; default "won:". */
  prefix?: string;
  logger?: EngineLogger;
}

const RESOLVED: Promise<void> = Promise.resolve();
/** Node ids longer than this (in UTF-8 bytes) do not fit the one-byte length of the tag. */
const MAX_NODE_ID_BYTES = 255;
/** Distinct publishing nodes whose id string is kept, so delivery does not decode it each time. */
const NODE_NAME_CACHE = 64;

interface TopicEntry {
  /** Replaced, never mutated, so delivery can iterate while handlers come and go. */
  handlers: BrokerHandler[];
  /** Settles when the SUBSCRIBE for this channel is confirmed. */
  subscribed: Promise<void>;
}

/**
 * {@link Broker} over Redis pub/sub: one PUBLISH per message on the shared command connection and
 * ONE subscriber connection per node for every topic.
 *
 * Wire format of a message: `[n][nodeId: n bytes UTF-8][payload]`. The receiving side compares the
 * tag with its own bytes to drop its echo and hands handlers a `subarray` of the message, so the hot
 * path (audio: 50 frames/s per speaker) does no JSON, no copy and no per-handler allocation.
 *
 * Ordering: ioredis writes commands in call order on one connection and Redis delivers to a
 * subscriber in the order it executed the PUBLISHes, so one node's messages keep their order.
 * `publish` does not wait for Redis' reply: it hands the message to the connection and resolves.
 *
 * Reconnects: after the subscriber connection comes back the broker re-subscribes every topic it
 * holds, then reports `true` through `onStateChange`; `false` is reported as soon as either
 * connection is lost. Nothing is reported before the first time both are up.
 */
/** Bytes of publications waiting in the socket to Redis beyond which new ones are dropped. */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

export class RedisBroker implements Broker {
  readonly nodeId: string;
  private readonly redis: Redis;
  private readonly sub: Redis;
  private readonly prefix: string;
  private readonly logger: EngineLogger;
  /** `[n][nodeId]`, written in front of every payload. */
  private readonly tag: Buffer;
  private readonly topics = new Map<string, TopicEntry>();
  private readonly stateListeners: ((up: boolean) => void)[] = [];
  private readonly nodeNames: { tag: Buffer; name: string }[] = [];
  private nextNodeNameSlot = 0;
  /** Whether both connections were ever ready: until then publishes wait in ioredis' offline queue. */
  private started = false;
  private up = false;
  private subReady = false;
  /** Set from the subscriber's "ready" until its topics are subscribed again. */
  private resubscribing = false;
  private subscriberAttempt = 0;
  private errorLogged = false;
  private closed = false;
  private readonly detach: (() => void)[] = [];

  constructor(opts: RedisBrokerOptions) {
    this.nodeId = opts.nodeId ?? randomBytes(8).toString("hex");
    const idBytes = Buffer.from(this.nodeId, "utf8");
    if (idBytes.length === 0 || idBytes.length > MAX_NODE_ID_BYTES) {
      throw new Error(`nodeId must be 1..${MAX_NODE_ID_BYTES} bytes`);
    }
    this.tag = Buffer.concat([Buffer.from([idBytes.length]), idBytes]);
    this.redis = opts.redis;
    this.sub = opts.subscriber;
    this.prefix = opts.prefix ?? "won:";
    this.logger = opts.logger ?? consoleLogger;

    this.listen(this.sub, "messageBuffer", this.onMessage);
    this.listen(this.sub, "ready", () => this.onSubscriberReady());
    this.listen(this.sub, "close", () => this.onConnectionLost());
    this.listen(this.redis, "ready", () => this.updateState());
    this.listen(this.redis, "close", () => this.onConnectionLost());
    this.subReady = this.sub.status === "ready";
    this.updateState();
  }

  publish(topic: string, payload: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error("broker is closed"));
    // Once running, a message published while Redis is away would otherwise sit in ioredis'
    // offline queue and arrive late (stale audio); refuse it instead. Down is what this broker
    // reported, not only the publishing connection's status: the subscriber connection may see
    // the loss first, while the publisher still says "ready" and would accept a message into a
    // dead socket.
    if (this.started && (!this.up || this.redis.status !== "ready")) {
      return Promise.reject(new Error("broker transport is down"));
    }
    // A Redis that stopped reading (paused, overloaded) leaves the connection "ready" while
    // our socket buffer grows; past a bound, drop instead of queueing without limit.
    if ((this.redis.stream?.writableLength ?? 0) > MAX_UNSENT_BYTES) {
      return Promise.reject(new Error("broker transport is not keeping up"));
    }
    const tag = this.tag;
    const message = Buffer.allocUnsafe(tag.length + payload.length);
    tag.copy(message, 0);
    message.set(payload, tag.length);
    this.redis.publish(this.prefix + topic, message).catch(this.onPublishError);
    return RESOLVED;
  }

  async subscribe(topic: string, handler: BrokerHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error("broker is closed");
    const channel = this.prefix + topic;
    let entry = this.topics.get(channel);
    if (entry) {
      entry.handlers = [...entry.handlers, handler];
    } else {
      entry = { handlers: [handler], subscribed: this.subscribeChannel(channel) };
      this.topics.set(channel, entry);
    }
    try {
      await entry.subscribed;
    } catch (err) {
      void this.removeHandler(channel, handler);
      throw err;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      await this.removeHandler(channel, handler);
    };
  }

  onStateChange(listener: (up: boolean) => void): void {
    this.stateListeners.push(listener);
  }

  async healthy(): Promise<boolean> {
    return !this.closed && this.up;
  }

  /** Stops delivery and drops every subscription; the connections belong to the caller. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.detach) off();
    const channels = [...this.topics.keys()];
    this.topics.clear();
    if (channels.length > 0 && this.sub.status === "ready") {
      await this.sub.unsubscribe(...channels).catch(() => {});
    }
  }

  /** Hot path: every message of every subscribed topic of this node passes here. */
  private readonly onMessage = (channel: Buffer, message: Buffer): void => {
    const entry = this.topics.get(channel.toString());
    if (entry === undefined) return;
    const n = message[0];
    if (n === undefined || message.length < 1 + n) return; // not ours: no valid tag
    const tag = this.tag;
    if (n === tag.length - 1 && message.compare(tag, 0, tag.length, 0, tag.length) === 0) return; // own echo
    const from = this.nodeName(message, n);
    const payload = message.subarray(1 + n);
    const handlers = entry.handlers;
    for (let i = 0; i < handlers.length; i++) {
      try {
        handlers[i]!(payload, from);
      } catch (err) {
        this.logger.error({ err, channel: channel.toString() }, "broker handler threw");
      }
    }
  };

  /** The publisher's id from the tag, from a small cache so steady traffic decodes nothing. */
  private nodeName(message: Buffer, n: number): string {
    const names = this.nodeNames;
    for (let i = 0; i < names.length; i++) {
      const known = names[i]!;
      if (known.tag.length === n + 1 && message.compare(known.tag, 0, n + 1, 0, n + 1) === 0)
        return known.name;
    }
    const name = message.toString("utf8", 1, 1 + n);
    const entry = { tag: Buffer.from(message.subarray(0, 1 + n)), name };
    if (names.length < NODE_NAME_CACHE) names.push(entry);
    else {
      names[this.nextNodeNameSlot] = entry;
      this.nextNodeNameSlot = (this.nextNodeNameSlot + 1) % NODE_NAME_CACHE;
    }
    return name;
  }

  private async subscribeChannel(channel: string): Promise<void> {
    try {
      await this.sub.subscribe(channel);
    } catch (err) {
      // While the connection is away the topic is re-subscribed when it is back.
      if (this.sub.status === "ready" || this.closed) throw err;
    }
  }

  private async removeHandler(channel: string, handler: BrokerHandler): Promise<void> {
    const entry = this.topics.get(channel);
    if (!entry) return;
    const i = entry.handlers.indexOf(handler);
    if (i < 0) return;
    entry.handlers = entry.handlers.slice(0, i).concat(entry.handlers.slice(i + 1));
    if (entry.handlers.length > 0) return;
    this.topics.delete(channel);
    if (this.sub.status !== "ready") return; // a fresh connection will not subscribe it again
    try {
      await this.sub.unsubscribe(channel);
    } catch (err) {
      if (this.sub.status === "ready") this.logger.warn({ err, channel }, "broker unsubscribe failed");
    }
  }

  private onSubscriberReady(): void {
    const attempt = ++this.subscriberAttempt;
    this.resubscribing = true;
    void (async () => {
      const channels = [...this.topics.keys()];
      try {
        if (channels.length > 0) await this.sub.subscribe(...channels);
        if (attempt === this.subscriberAttempt) this.subReady = true;
      } catch (err) {
        // The connection dropped again; its next "ready" retries.
        this.logger.warn({ err }, "broker re-subscribe failed");
      }
      if (attempt !== this.subscriberAttempt) return;
      this.resubscribing = false;
      this.updateState();
    })();
  }

  private onConnectionLost(): void {
    if (this.closed) return;
    if (this.sub.status !== "ready") this.subReady = false;
    this.updateState();
  }

  private updateState(): void {
    if (this.closed) return;
    const up = this.subReady && !this.resubscribing && this.redis.status === "ready";
    if (up === this.up) return;
    this.up = up;
    if (up) this.errorLogged = false;
    if (!this.started) {
      // The first "up" is the start, not a recovery: nobody missed anything yet.
      if (up) this.started = true;
      return;
    }
    if (!up) this.logger.warn({ nodeId: this.nodeId }, "broker transport lost");
    else this.logger.info({ nodeId: this.nodeId }, "broker transport back, topics re-subscribed");
    for (const listener of this.stateListeners) {
      try {
        listener(up);
      } catch (err) {
        this.logger.error({ err }, "broker state listener threw");
      }
    }
  }

  private readonly onPublishError = (err: unknown): void => {
    if (this.errorLogged) return;
    this.errorLogged = true;
    this.logger.warn({ err }, "broker publish failed");
  };

  private listen(conn: Redis, event: string, fn: (...args: never[]) => void): void {
    conn.on(event, fn as (...args: unknown[]) => void);
    this.detach.push(() => conn.off(event, fn as (...args: unknown[]) => void));
  }
}
