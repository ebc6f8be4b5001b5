import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AudioStartError, ensureRunning, withTimeout } from "./audio-start";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("withTimeout", () => {
  it("passes a value that arrives in time", async () => {
    await expect(withTimeout(Promise.resolve(7), "microphone", 100)).resolves.toBe(7);
  });

  it("passes an error that arrives in time unchanged", async () => {
    const e = new DOMException("denied", "NotAllowedError");
    await expect(withTimeout(Promise.reject(e), "microphone", 100)).rejects.toBe(e);
  });

  it("rejects with the step once the deadline passes, and hands a late value to onLate", async () => {
    let resolve!: (v: string) => void;
    const late = vi.fn();
    const p = withTimeout(new Promise<string>((r) => (resolve = r)), "microphone", 3_000, late);
    const settled = expect(p).rejects.toMatchObject({ name: "AudioStartError", step: "microphone" });
    await vi.advanceTimersByTimeAsync(3_000);
    await settled;
    resolve("stream");
    await vi.advanceTimersByTimeAsync(0);
    expect(late).toHaveBeenCalledWith("stream");
  });

  it("never settles twice: a late error is ignored", async () => {
    let reject!: (e: Error) => void;
    const p = withTimeout(new Promise<void>((_, r) => (reject = r)), "encoder", 50);
    const settled = expect(p).rejects.toBeInstanceOf(AudioStartError);
    await vi.advanceTimersByTimeAsync(50);
    reject(new Error("later"));
    await settled;
  });
});

class FakeContext extends EventTarget {
  state: AudioContextState = "suspended";
  constructor(private readonly resumes: boolean) {
    super();
  }
  resume() {
    if (!this.resumes) return new Promise<void>(() => {});
    this.state = "running";
    this.dispatchEvent(new Event("statechange"));
    return Promise.resolve();
  }
}

describe("ensureRunning", () => {
  it("resolves when the context resumes", async () => {
    await expect(
      ensureRunning(new FakeContext(true) as unknown as AudioContext, 100),
    ).resolves.toBeUndefined();
  });

  it("rejects with an output error when resume() never settles", async () => {
    const p = ensureRunning(new FakeContext(false) as unknown as AudioContext, 3_000);
    const settled = expect(p).rejects.toMatchObject({ step: "output" });
    await vi.advanceTimersByTimeAsync(3_000);
    await settled;
  });
});
