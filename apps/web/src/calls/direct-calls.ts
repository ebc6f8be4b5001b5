/**
 * The app's direct-call state (call-state.ts), fed from the socket: a transmission on one of my
 * direct channels raises the call banner, and its messages count as unread until I open it.
 *
 * A direct channel is known by its cached `kind`. The first call from someone new arrives on a
 * channel not cached yet: it is fetched, and as the pocket cues could not tell it was a call,
 * the ring is played here.
 */
import type { Channel, ServerMessage, ServerMessageOf } from "@won/protocol";
import { create } from "zustand";
import type { CueName } from "../audio/cues";
import * as calls from "./call-state";

export const useCalls = create<calls.CallState>(() => calls.EMPTY_CALLS);

const update = (fn: (s: calls.CallState) => calls.CallState) => useCalls.setState(fn, true);

/** What screens do to the call state. */
export const callActions = {
  viewing: (channelId: string | null) => update((s) => calls.viewing(s, channelId)),
  dismiss: () => update(calls.dismissed),
};

export interface CallWatcherDeps {
  selfId: () => string | undefined;
  /** The channel's kind as cached, or null when it is not cached. */
  cachedKind: (channelId: string) => Channel["kind"] | null;
  /** Fetches the channel (and caches it). */
  fetchChannel: (channelId: string) => Promise<Pick<Channel, "kind">>;
  /** Fetches my channel list, so later calls are recognised from the cache. */
  prefetchChannels: () => void;
  cue: (name: CueName) => void;
  update: (fn: (s: calls.CallState) => calls.CallState) => void;
}

/** A server-message listener that keeps the call state. */
export function createCallWatcher(d: CallWatcherDeps): (m: ServerMessage) => void {
  const started = (m: ServerMessageOf<"speaker.started">) =>
    d.update((s) => calls.callStarted(s, m.channelId, m.user, m.streamId));
  const message = (msg: ServerMessageOf<"message.created">["message"]) => {
    if (d.cachedKind(msg.channelId) === "direct") d.update((s) => calls.directMessage(s, msg, d.selfId()));
  };

  return (m) => {
    switch (m.type) {
      case "ready":
        d.prefetchChannels();
        return;
      case "speaker.started": {
        if (m.user.id === d.selfId()) return;
        const kind = d.cachedKind(m.channelId);
        if (kind === "direct") started(m);
        else if (kind === null)
          void d
            .fetchChannel(m.channelId)
            .then((c) => {
              if (c.kind !== "direct") return;
              d.cue("directCall");
              started(m);
            })
            .catch(() => {});
        return;
      }
      case "speaker.stopped":
        d.update((s) => calls.callEnded(s, m.streamId));
        if (m.message) message(m.message);
        return;
      case "message.created":
        message(m.message);
        return;
    }
  };
}

/** The app's watcher, on the app's cache and cues. */
export function startCallWatcher(
  onMessage: (fn: (m: ServerMessage) => void) => void,
  deps: Omit<CallWatcherDeps, "update">,
): void {
  onMessage(createCallWatcher({ ...deps, update }));
}
