/**
 * Plays stored recordings (Ogg Opus). GET /recordings/:id needs the Authorization header, so the
 * file is fetched as a blob through the API client and played from an object URL — a token never
 * goes into a URL. One <audio> element, one recording at a time; state in a small store so every
 * timeline row can show play/pause and progress.
 */
import type { Message } from "@won/protocol";

/** Anything with a stored recording: a timeline message, or an alert's clip (`{ id, recording }`). */
export type Playable = Pick<Message, "id"> & { recording?: { url: string } | null };

import { create } from "zustand";
import { api } from "../api/endpoints";
import { tap } from "./audio-tap";

interface PlayerState {
  /** Message id of the recording loaded in the player. */
  current: string | null;
  playing: boolean;
  loading: boolean;
  /** Seconds. */
  position: number;
  error: string | null;
}

export const useRecordingPlayer = create<PlayerState>(() => ({
  current: null,
  playing: false,
  loading: false,
  position: 0,
  error: null,
}));

const set = useRecordingPlayer.setState;
const blobUrls = new Map<string, string>();
const MAX_CACHED = 30;
let el: HTMLAudioElement | null = null;
let endWaiters: (() => void)[] = [];

function element(): HTMLAudioElement {
  if (el) return el;
  el = new Audio();
  el.preload = "auto";
  el.addEventListener("timeupdate", () => set({ position: el!.currentTime }));
  el.addEventListener("playing", () => {
    set({ playing: true, loading: false });
    tap.recordingsPlayed++;
  });
  // A pause (by the user, or the one before `ended`) finishes a playToEnd() too, so the
  // missed-transmissions queue never stalls on a recording someone stopped.
  el.addEventListener("pause", () => {
    set({ playing: false });
    for (const w of endWaiters.splice(0)) w();
  });
  el.addEventListener("ended", () => {
    set({ playing: false, position: 0 });
    for (const w of endWaiters.splice(0)) w();
  });
  el.addEventListener("error", () => {
    set({ playing: false, loading: false, error: "Could not play this recording" });
    for (const w of endWaiters.splice(0)) w();
  });
  return el;
}

async function urlFor(m: Playable): Promise<string> {
  const cached = blobUrls.get(m.id);
  if (cached) return cached;
  const blob = await api.recording(m.recording!.url);
  const url = URL.createObjectURL(blob);
  blobUrls.set(m.id, url);
  if (blobUrls.size > MAX_CACHED) {
    const [oldId, oldUrl] = blobUrls.entries().next().value!;
    URL.revokeObjectURL(oldUrl);
    blobUrls.delete(oldId);
  }
  return url;
}

export const recordingPlayer = {
  /** Starts (or resumes) a recording. */
  async play(m: Playable) {
    if (!m.recording) return;
    const a = element();
    const s = useRecordingPlayer.getState();
    if (s.current === m.id && a.src) {
      await a.play();
      return;
    }
    a.pause();
    for (const w of endWaiters.splice(0)) w();
    set({ current: m.id, loading: true, position: 0, error: null, playing: false });
    try {
      const url = await urlFor(m);
      if (useRecordingPlayer.getState().current !== m.id) return;
      a.src = url;
      await a.play();
    } catch (e) {
      set({ loading: false, playing: false, error: e instanceof Error ? e.message : "Playback failed" });
      throw e;
    }
  },
  pause() {
    el?.pause();
  },
  toggle(m: Playable) {
    const s = useRecordingPlayer.getState();
    if (s.current === m.id && s.playing) this.pause();
    else void this.play(m).catch(() => {});
  },
  /** Plays a recording and resolves when it has finished (or failed). */
  async playToEnd(m: Playable) {
    await this.play(m);
    // Already over (a very short clip) or stopped: nothing to wait for.
    if (!el || el.paused || el.ended) return;
    await new Promise<void>((r) => endWaiters.push(r));
  },
  /** Stops and forgets everything (sign out). */
  reset() {
    el?.pause();
    el?.removeAttribute("src");
    endWaiters = [];
    for (const u of blobUrls.values()) URL.revokeObjectURL(u);
    blobUrls.clear();
    set({ current: null, playing: false, loading: false, position: 0, error: null });
  },
};
