import { randomBytes } from "node:crypto";
import type { Broker, BrokerHandler } from "./broker.js";
import { consoleLogger, type EngineLogger } from "./engine-logger.js";
import { defaultHub, type MemoryBrokerNode, type MemoryHub } from "./memory-hub.js";

export interface MemoryBrokerOptions {
  nodeId?: string;
  /** Nodes on one hub see each other's publications; default: the process-wide hub. */
  hub?: MemoryHub;
  logger?: EngineLogger;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * In-process {@link Broker}. It serves ONE process only: it does not cross process boundaries, so
 * an embedded server (one node) uses it and a deployment of several instances uses the Redis
 * broker. Several instances on one {@link MemoryHub} behave like nodes on one Redis: a node does not
 * receive its own publications, and delivery to other nodes is asynchronous (a microtask later)
 * and in publish order across all topics, as from one Redis connection.
 *
 * The payload is copied once at publish, so the publisher may reuse its buffer afterwards.
 */
export class MemoryBroker implements Broker, MemoryBrokerNode {
  readonly nodeId: string;
  private readonly hub: MemoryHub;
  private readonly logger: EngineLogger;
  /** Handlers per topic; replaced, never mutated, so delivery can iterate safely. */
  private readonly handlers = new Map<string, BrokerHandler[]>();
  private closed = false;

  constructor(opts: MemoryBrokerOptions = {}) {
    this.nodeId = opts.nodeId ?? randomBytes(8).toString("hex");
    this.hub = opts.hub ?? defaultHub;
    this.logger = opts.logger ?? consoleLogger;
  }

  publish(topic: string, payload: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error("broker is closed"));
    const nodes = this.hub.topics.get(topic);
    if (!nodes) return RESOLVED;
    const copy = Buffer.from(payload);
    const from = this.nodeId;
    for (const node of nodes) {
      if (node === this) continue;
      queueMicrotask(() => node.deliver(topic, copy, from));
    }
    return RESOLVED;
  }

  async subscribe(topic: string, handler: BrokerHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error("broker is closed");
    const current = this.handlers.get(topic);
    this.handlers.set(topic, current ? [...current, handler] : [handler]);
    if (!current) {
      let nodes = this.hub.topics.get(topic);
      if (!nodes) {
        nodes = new Set();
        this.hub.topics.set(topic, nodes);
      }
      nodes.add(this);
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      this.removeHandler(topic, handler);
    };
  }

  /** Called by the hub for publications of other nodes. */
  deliver(topic: string, payload: Buffer, fromNode: string): void {
    const hs = this.handlers.get(topic);
    if (!hs) return;
    for (let i = 0; i < hs.length; i++) {
      try {
        hs[i]!(payload, fromNode);
      } catch (err) {
        this.logger.error({ err, topic }, "broker handler threw");
      }
    }
  }

  /** The memory transport never goes down, so listeners are never called. */
  onStateChange(_listener: (up: boolean) => void): void {}

  async healthy(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const topic of [...this.handlers.keys()]) this.unsubscribeNode(topic);
    this.handlers.clear();
  }

  private removeHandler(topic: string, handler: BrokerHandler): void {
    const hs = this.handlers.get(topic);
    if (!hs) return;
    const i = hs.indexOf(handler);
    if (i < 0) return;
    const next = hs.slice(0, i).concat(hs.slice(i + 1));
    if (next.length > 0) {
      this.handlers.set(topic, next);
      return;
    }
    this.handlers.delete(topic);
    this.unsubscribeNode(topic);
  }

  private unsubscribeNode(topic: string): void {
    const nodes = this.hub.topics.get(topic);
    if (!nodes) return;
    nodes.delete(this);
    if (nodes.size === 0) this.hub.topics.delete(topic);
  }
}
