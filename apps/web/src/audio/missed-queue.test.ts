/**
 * The missed-transmissions queue publishes the replay sounding now, so the talk panel can say
 * "Replay · …": set while it plays, cleared when live voice pauses it and when it ends.
 */
import { describe, expect, it, vi } from "vitest";

const player = vi.hoisted(() => ({ finish: null as null | (() => void), paused: 0 }));
vi.mock("./recording-player", () => ({
  recordingPlayer: {
    playToEnd: () =>
      new Promise<void>((resolve) => {
        player.finish = resolve;
      }),
    pause: () => {
      player.paused++;
      player.finish?.();
    },
  },
}));
vi.mock("../auth/session", () => ({ getSession: () => ({ user: { id: "me" } }) }));

const { missedQueue, useMissedQueue } = await import("./missed-queue");
const { live } = await import("../state/live-store");

const flush = () => new Promise((r) => setTimeout(r, 0));
const msg = (id: string) =>
  ({ id, channelId: "c1", createdAt: "2026-01-01T14:02:00Z", sender: { id: "olivia" } }) as never;

describe("missed queue", () => {
  it("says which replay is sounding, and not while live voice has paused it", async () => {
    missedQueue.enqueue(msg("m1"));
    await flush();
    expect(useMissedQueue.getState().playing).toMatchObject({ id: "m1" });

    live.speakerStarted("c1", { user: { id: "bob" } as never, streamId: 1, since: 0, priority: false });
    await flush();
    expect(player.paused).toBe(1);
    expect(useMissedQueue.getState().playing).toBeNull();

    live.speakerStopped("c1", 1);
    await flush();
    expect(useMissedQueue.getState().playing).toMatchObject({ id: "m1" });
    player.finish?.();
    await flush();
    expect(useMissedQueue.getState().playing).toBeNull();
    expect(useMissedQueue.getState().queue).toEqual([]);
  });
});
