/**
 * Plays recordings one after another: missed transmissions replayed after a reconnect (when the
 * auto-play setting is on). Only one recording sounds at a time, and never over live voice: the
 * queue waits while anyone talks (or I do), and a replay that a live transmission interrupts is
 * paused, kept at the head of the queue and resumed where it stopped once the air is clear.
 */
import type { Message } from "@won/protocol";
import { create } from "zustand";
import { getSession } from "../auth/session";
import { useLive } from "../state/live-store";
import { tap } from "./audio-tap";
import { liveAudioOn } from "./live-gate";
import { recordingPlayer } from "./recording-player";

interface QueueState {
  queue: Message[];
  /** The replay sounding now (null while the queue waits, is paused by live voice, or is empty):
   *  the talk panel says so, so a steward does not take a replay for live voice. */
  playing: Message | null;
}

export const useMissedQueue = create<QueueState>(() => ({ queue: [], playing: null }));

let running = false;

const liveNow = () => liveAudioOn(useLive.getState(), getSession()?.user.id);

/** Resolves when no live voice is on the air. */
function clearAir(): Promise<void> {
  if (!liveNow()) return Promise.resolve();
  return new Promise((resolve) => {
    const off = useLive.subscribe(() => {
      if (liveNow()) return;
      off();
      resolve();
    });
  });
}

/** Plays `m` to its end unless live voice starts first; true when it was interrupted. */
async function playUnlessLive(m: Message): Promise<boolean> {
  let interrupted = false;
  const off = useLive.subscribe(() => {
    if (!liveNow() || interrupted) return;
    interrupted = true;
    useMissedQueue.setState({ playing: null });
    recordingPlayer.pause();
  });
  try {
    useMissedQueue.setState({ playing: m });
    await recordingPlayer.playToEnd(m);
  } finally {
    off();
    useMissedQueue.setState({ playing: null });
  }
  return interrupted;
}

/** How often one recording may be interrupted before it is dropped (a channel that never rests). */
const MAX_INTERRUPTIONS = 5;

async function drain() {
  if (running) return;
  running = true;
  const interruptions = new Map<string, number>();
  try {
    for (;;) {
      await clearAir();
      const next = useMissedQueue.getState().queue[0];
      if (!next) break;
      let again = false;
      try {
        const n = (await playUnlessLive(next)) ? (interruptions.get(next.id) ?? 0) + 1 : 0;
        interruptions.set(next.id, n);
        again = n > 0 && n < MAX_INTERRUPTIONS;
      } catch (e) {
        console.warn("replay failed", e);
      }
      if (!again) useMissedQueue.setState((s) => ({ queue: s.queue.filter((m) => m.id !== next.id) }));
    }
  } finally {
    running = false;
  }
}

export const missedQueue = {
  enqueue(m: Message) {
    if (useMissedQueue.getState().queue.some((x) => x.id === m.id)) return;
    tap.recordingsQueued++;
    useMissedQueue.setState((s) => ({ queue: [...s.queue, m] }));
    void drain();
  },
  clear() {
    useMissedQueue.setState({ queue: [], playing: null });
  },
};
