/**
 * Typed events the realtime layer raises for screens, in place of window events matched by
 * string. The dispatcher emits them; components listen with `useRealtimeEvent`. Delivery is
 * synchronous, in subscription order; a handler that throws is logged and does not stop the rest.
 */

export interface RealtimeEventMap {
  /** A channel was deleted, or I lost access to it: its screen should close. */
  "channel.gone": { channelId: string; reason: "deleted" | "revoked" };
  /** A reconnect missed more of a channel than the socket replays: page the gap over REST. */
  "channel.resync": { channelId: string };
}

export type RealtimeEventName = keyof RealtimeEventMap;
type Handler<K extends RealtimeEventName> = (payload: RealtimeEventMap[K]) => void;

export class RealtimeEmitter {
  private readonly handlers = new Map<RealtimeEventName, Set<Handler<never>>>();

  /** Subscribes; returns the unsubscribe function. */
  on<K extends RealtimeEventName>(name: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(name) as Set<Handler<K>> | undefined;
    if (!set) {
      set = new Set();
      this.handlers.set(name, set as Set<Handler<never>>);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  emit<K extends RealtimeEventName>(name: K, payload: RealtimeEventMap[K]): void {
    const set = this.handlers.get(name) as Set<Handler<K>> | undefined;
    for (const h of [...(set ?? [])]) {
      try {
        h(payload);
      } catch (e) {
        console.error(`realtime event ${name} handler failed`, e);
      }
    }
  }
}

/** The app's one emitter, fed by the dispatcher of the app's one connection. */
export const realtimeEvents = new RealtimeEmitter();
