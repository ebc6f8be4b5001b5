/**
 * Plays recordings one after another: missed transmissions replayed after a reconnect (when the
 * auto-play setting is on), and the timeline's play buttons. Only one recording sounds at a time;
 * live audio is separate and always plays.
 */
import type { Message } from "@won/protocol";
import { create } from "zustand";
import { recordingPlayer } from "./recording-player";

interface QueueState {
  queue: Message[];
}

export const useMissedQueue = create<QueueState>(() => ({ queue: [] }));

let running = false;

async function drain() {
  if (running) return;
  running = true;
  try {
    for (;;) {
      const next = useMissedQueue.getState().queue[0];
      if (!next) break;
      try {
        await recordingPlayer.playToEnd(next);
      } catch (e) {
        console.warn("replay failed", e);
      }
      useMissedQueue.setState((s) => ({ queue: s.queue.filter((m) => m.id !== next.id) }));
    }
  } finally {
    running = false;
  }
}

export const missedQueue = {
  enqueue(m: Message) {
    if (useMissedQueue.getState().queue.some((x) => x.id === m.id)) return;
    useMissedQueue.setState((s) => ({ queue: [...s.queue, m] }));
    void drain();
  },
  clear() {
    useMissedQueue.setState({ queue: [] });
  },
};
