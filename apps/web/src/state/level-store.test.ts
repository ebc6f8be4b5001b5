import { describe, expect, it } from "vitest";
import { levelFromRms } from "./level-store";

describe("levelFromRms", () => {
  it("maps −60..0 dBFS onto 0..1", () => {
    expect(levelFromRms(0)).toBe(0);
    expect(levelFromRms(1)).toBe(1);
    expect(levelFromRms(0.001)).toBeCloseTo(0, 5);
    expect(levelFromRms(0.0316)).toBeCloseTo(0.5, 2);
    expect(levelFromRms(4)).toBe(1);
  });
});
