import { describe, expect, it } from "vitest";
import { LinkAdapter, PROFILES } from "./link-adapt";

/** Feeds RTT samples every 250 ms from `t0`; returns the profiles chosen along the way. */
function feed(a: LinkAdapter, rtts: number[], t0 = 0) {
  const changes: { at: number; frameMs: number }[] = [];
  rtts.forEach((rtt, i) => {
    const at = t0 + i * 250;
    const p = a.sample(rtt, at);
    if (p) changes.push({ at, frameMs: p.frameMs });
  });
  return changes;
}

describe("LinkAdapter", () => {
  it("stays at 20 ms frames on a steady link, whatever its base RTT", () => {
    const a = new LinkAdapter();
    expect(
      feed(
        a,
        Array.from({ length: 200 }, (_, i) => 180 + (i % 7) * 5),
      ),
    ).toEqual([]);
    expect(a.profile).toEqual(PROFILES[0]);
  });

  it("steps to bigger frames when pings queue behind audio, one step per hold", () => {
    const a = new LinkAdapter();
    const rtts = [...Array(20).fill(20), ...Array(40).fill(600)];
    const changes = feed(a, rtts);
    expect(changes.map((c) => c.frameMs)).toEqual([40, 60]);
    expect(changes[1]!.at - changes[0]!.at).toBeGreaterThanOrEqual(2_000);
  });

  it("ignores a single slow ping", () => {
    const a = new LinkAdapter();
    expect(feed(a, [20, 20, 20, 400, 20, 20, 20, 20])).toEqual([]);
  });

  it("steps back to 20 ms only after a long calm", () => {
    const a = new LinkAdapter();
    feed(a, [...Array(8).fill(20), ...Array(4).fill(500)]);
    expect(a.profile.frameMs).toBe(40);
    const changes = feed(a, Array(60).fill(22), 3_000);
    expect(changes.map((c) => c.frameMs)).toEqual([20]);
    expect(changes[0]!.at - 3_000).toBeGreaterThanOrEqual(8_000);
  });

  it("treats a ping unanswered for long as congestion", () => {
    const a = new LinkAdapter();
    a.sample(20, 0);
    expect(a.waiting(300, 250)).toBeNull();
    expect(a.waiting(700, 700)?.frameMs).toBe(40);
  });

  it("steps down when a listener is late, and holds it long after its own link is calm", () => {
    const a = new LinkAdapter();
    feed(a, Array(8).fill(20));
    expect(a.congested(2_000)?.frameMs).toBe(40);
    expect(a.congested(2_500)).toBeNull(); // one step per hold
    expect(a.congested(4_100)?.frameMs).toBe(60);
    const calm = feed(a, Array(100).fill(20), 4_200); // 25 s of calm pings
    expect(calm).toEqual([]);
    const later = feed(a, Array(80).fill(20), 34_200);
    expect(later.map((c) => c.frameMs)).toEqual([40, 20]);
  });
});
