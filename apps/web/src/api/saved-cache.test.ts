import { QueryClient } from "@tanstack/react-query";
import type { Message } from "@won/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  forgetSaved,
  keepQueries,
  restoreQueries,
  SAVED_MAX_AGE_MS,
  SAVED_MESSAGES,
  savedTimelines,
  saveTimelines,
} from "./saved-cache";

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

const msg = (seq: number) => ({ seq, body: `m${seq}` }) as unknown as Message;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("what the app last knew, across a reload", () => {
  it("restores the query cache for the same user, as stale, and never for another", async () => {
    const storage = new MemoryStorage();
    const before = new QueryClient();
    const stop = keepQueries(before, () => "u1", storage);
    before.setQueryData(["channel", "c1"], { id: "c1", name: "Gates" });
    await vi.advanceTimersByTimeAsync(1_100);
    stop();

    const after = new QueryClient();
    expect(restoreQueries(after, "u1", storage)).toBe(true);
    expect(after.getQueryData(["channel", "c1"])).toEqual({ id: "c1", name: "Gates" });
    expect(after.getQueryState(["channel", "c1"])?.isInvalidated).toBe(true);

    const someoneElse = new QueryClient();
    expect(restoreQueries(someoneElse, "u2", storage)).toBe(false);
    expect(someoneElse.getQueryData(["channel", "c1"])).toBeUndefined();
  });

  it("keeps nothing older than a day, and nothing after sign-out", () => {
    const storage = new MemoryStorage();
    saveTimelines("u1", { c1: [msg(1), msg(2)] }, storage);
    expect(savedTimelines("u1", storage)).toEqual({ c1: [msg(1), msg(2)] });
    expect(savedTimelines("u1", storage, Date.now() + SAVED_MAX_AGE_MS + 1)).toEqual({});
    forgetSaved(storage);
    expect(savedTimelines("u1", storage)).toEqual({});
  });

  it("keeps only the newest messages of each channel", () => {
    const storage = new MemoryStorage();
    const many = Array.from({ length: SAVED_MESSAGES + 20 }, (_, i) => msg(i + 1));
    saveTimelines("u1", { c1: many, empty: [] }, storage);
    const saved = savedTimelines("u1", storage);
    expect(Object.keys(saved)).toEqual(["c1"]);
    expect(saved.c1).toHaveLength(SAVED_MESSAGES);
    expect(saved.c1![0]!.seq).toBe(21);
  });

  it("does not save for nobody (signed out)", async () => {
    const storage = new MemoryStorage();
    const qc = new QueryClient();
    keepQueries(qc, () => undefined, storage);
    qc.setQueryData(["events"], []);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(storage.map.size).toBe(0);
  });
});
