/**
 * Publish/subscribe between server instances. One topic per channel carries every event of that
 * channel, JSON and audio alike, so their order is the same on every node.
 *
 * Contract:
 * - Payloads are opaque bytes; the broker does not look inside them.
 * - Ordering: messages published by one node on one topic reach every subscriber in publish order.
 * - Delivery is at most once, to nodes subscribed at the time of publishing. Nothing is stored:
 *   a node that was disconnected misses what was published meanwhile (clients resync by `seq`).
 * - Echo: a node never receives its own publications. The publisher delivers to its own local
 *   listeners itself, after publishing (so remote listeners are not delayed by the local loop).
 * - Several local handlers on one topic share one underlying subscription.
 * - After a transport reconnect the broker re-subscribes every topic by itself and reports the
 *   gap through `onStateChange`, so callers can tell their clients to resync.
 */
export interface Broker {
  /** Short random id of this node, carried with every publication. */
  readonly nodeId: string;
  /** Publishes `payload` on `topic`. Resolves when handed to the transport; never throws for a
   *  missing subscriber. Rejects only if the transport is down. */
  publish(topic: string, payload: Uint8Array): Promise<void>;
  /** Adds a handler for `topic`; the returned function removes it (and the subscription once no
   *  handler is left). Handlers must not throw; `payload` is only valid during the call. */
  subscribe(topic: string, handler: BrokerHandler): Promise<() => Promise<void>>;
  /** Called with `false` when the transport is lost and `true` when it is back and re-subscribed. */
  onStateChange(listener: (up: boolean) => void): void;
  /** Whether the transport is up (for /readyz). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export type BrokerHandler = (payload: Buffer, fromNode: string) => void;
