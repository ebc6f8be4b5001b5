/**
 * What the app last knew survives a reload on this device, so a phone that reloads with no
 * network still shows its events, channels and recent messages instead of spinning: the query
 * cache (TanStack Query's own `dehydrate`/`hydrate`) and the newest messages of each channel.
 *
 * Kept for the signed-in user only (their id is stored with it and checked on restore), at most a
 * day old, in localStorage; written at most once a second; removed at sign-out. Only successful
 * answers are kept, and restored data counts as stale, so it is refetched as soon as possible.
 */
import { dehydrate, hydrate, type QueryClient } from "@tanstack/react-query";
import type { Message } from "@won/protocol";

const QUERIES_KEY = "won.cache.v1";
const TIMELINES_KEY = "won.timelines.v1";
export const SAVED_MAX_AGE_MS = 24 * 3600_000;
/** Messages kept per channel. */
export const SAVED_MESSAGES = 50;
const WRITE_EVERY_MS = 1_000;

type Store = Pick<Storage, "getItem" | "setItem" | "removeItem">;

interface Saved<T> {
  userId: string;
  savedAt: number;
  data: T;
}

function read<T>(storage: Store, key: string, userId: string, now: number): T | null {
  try {
    const raw = storage.getItem(key);
    if (!raw) return null;
    const saved = JSON.parse(raw) as Saved<T>;
    if (saved.userId !== userId || now - saved.savedAt > SAVED_MAX_AGE_MS) return null;
    return saved.data;
  } catch {
    return null;
  }
}

function write(storage: Store, key: string, userId: string, data: unknown): void {
  try {
    storage.setItem(key, JSON.stringify({ userId, savedAt: Date.now(), data }));
  } catch {
    // Full or blocked storage: the app still works, a reload offline just shows less.
  }
}

/** Puts the saved query cache back (before the first render); false if there was none for this user. */
export function restoreQueries(qc: QueryClient, userId: string, storage: Store, now = Date.now()): boolean {
  const state = read<Parameters<typeof hydrate>[1]>(storage, QUERIES_KEY, userId, now);
  if (!state) return false;
  hydrate(qc, state);
  // Whatever came from storage is refetched when next used.
  for (const q of qc.getQueryCache().getAll()) q.invalidate();
  return true;
}

/** Saves the query cache whenever it changes (throttled); returns the stopper. */
export function keepQueries(qc: QueryClient, userId: () => string | undefined, storage: Store): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    timer = null;
    const me = userId();
    if (!me) return;
    write(
      storage,
      QUERIES_KEY,
      me,
      dehydrate(qc, { shouldDehydrateQuery: (q) => q.state.status === "success" }),
    );
  };
  const unsubscribe = qc.getQueryCache().subscribe(() => {
    timer ??= setTimeout(save, WRITE_EVERY_MS);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

/** The newest messages of each channel as last seen, for this user. */
export function savedTimelines(userId: string, storage: Store, now = Date.now()): Record<string, Message[]> {
  return read<Record<string, Message[]>>(storage, TIMELINES_KEY, userId, now) ?? {};
}

export function saveTimelines(
  userId: string,
  timelines: Record<string, readonly Message[]>,
  storage: Store,
): void {
  const newest = Object.fromEntries(
    Object.entries(timelines)
      .filter(([, msgs]) => msgs.length > 0)
      .map(([id, msgs]) => [id, msgs.slice(-SAVED_MESSAGES)]),
  );
  write(storage, TIMELINES_KEY, userId, newest);
}

/** Sign-out: nothing the user saw stays on the device. */
export function forgetSaved(storage: Store): void {
  storage.removeItem(QUERIES_KEY);
  storage.removeItem(TIMELINES_KEY);
}
