import { describe, expect, it, vi } from "vitest";
import { RealtimeEmitter } from "./realtime-events";

describe("realtime emitter", () => {
  it("delivers each event to its own listeners, with its typed payload", () => {
    const events = new RealtimeEmitter();
    const gone = vi.fn();
    const resync = vi.fn();
    events.on("channel.gone", gone);
    events.on("channel.resync", resync);

    events.emit("channel.gone", { channelId: "c1", reason: "deleted" });

    expect(gone).toHaveBeenCalledWith({ channelId: "c1", reason: "deleted" });
    expect(resync).not.toHaveBeenCalled();
  });

  it("stops delivering after unsubscribe, and one failing handler does not stop the others", () => {
    const events = new RealtimeEmitter();
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const seen: string[] = [];
    const off = events.on("channel.resync", () => seen.push("first"));
    events.on("channel.resync", () => {
      throw new Error("boom");
    });
    events.on("channel.resync", () => seen.push("third"));

    events.emit("channel.resync", { channelId: "c1" });
    off();
    events.emit("channel.resync", { channelId: "c1" });

    expect(seen).toEqual(["first", "third", "third"]);
    expect(error).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });
});
