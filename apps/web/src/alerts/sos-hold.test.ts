import { describe, expect, it } from "vitest";
import { SOS_HOLD_MS, SOS_IDLE, sosHoldStep, sosHoldView } from "./sos-hold";

const run = (events: Parameters<typeof sosHoldStep>[1][]) =>
  events.reduce((s, e) => sosHoldStep(s, e), SOS_IDLE);

describe("SOS press-and-hold", () => {
  it("fires only once held for the whole hold time", () => {
    expect(
      run([
        { type: "press", at: 0 },
        { type: "tick", at: SOS_HOLD_MS - 1 },
      ]).phase,
    ).toBe("holding");
    expect(
      run([
        { type: "press", at: 0 },
        { type: "tick", at: SOS_HOLD_MS },
      ]),
    ).toEqual({
      phase: "fired",
      firedAt: SOS_HOLD_MS,
    });
  });

  it("letting go early cancels, and the next hold starts from zero", () => {
    const s = run([
      { type: "press", at: 0 },
      { type: "tick", at: 1_900 },
      { type: "release", at: 1_950 },
      { type: "press", at: 3_000 },
      { type: "tick", at: 4_500 },
    ]);
    expect(s).toEqual({ phase: "holding", startedAt: 3_000 });
  });

  it("a second press while held (key repeat, another finger) does not restart the countdown", () => {
    const s = run([
      { type: "press", at: 0 },
      { type: "press", at: 1_500 },
      { type: "tick", at: 2_000 },
    ]);
    expect(s.phase).toBe("fired");
  });

  it("fires once per hold: ticks after firing keep it fired, release returns to idle", () => {
    const fired = run([
      { type: "press", at: 0 },
      { type: "tick", at: 2_100 },
      { type: "tick", at: 5_000 },
    ]);
    expect(fired).toEqual({ phase: "fired", firedAt: 2_100 });
    expect(sosHoldStep(fired, { type: "release", at: 5_100 })).toEqual(SOS_IDLE);
    expect(sosHoldStep(SOS_IDLE, { type: "tick", at: 9_000 })).toEqual(SOS_IDLE);
  });

  it("shows the ring's fill and whole seconds left", () => {
    expect(sosHoldView(SOS_IDLE, 0)).toEqual({ progress: 0, secondsLeft: 2 });
    const h = { phase: "holding", startedAt: 1_000 } as const;
    expect(sosHoldView(h, 1_000)).toEqual({ progress: 0, secondsLeft: 2 });
    expect(sosHoldView(h, 1_500)).toEqual({ progress: 0.25, secondsLeft: 2 });
    expect(sosHoldView(h, 2_001).secondsLeft).toBe(1);
    expect(sosHoldView(h, 9_000)).toEqual({ progress: 1, secondsLeft: 0 });
    expect(sosHoldView({ phase: "fired", firedAt: 3_000 }, 3_000)).toEqual({ progress: 1, secondsLeft: 0 });
  });
});
