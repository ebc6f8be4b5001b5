import { describe, expect, it } from "vitest";
import { refreshDelay } from "./refresh-schedule";

describe("refreshDelay", () => {
  it("refreshes a minute before a long-lived token expires", () => {
    expect(refreshDelay(900_000)).toBe(840_000);
  });
  it("refreshes at 80 % of a short-lived token", () => {
    expect(refreshDelay(30_000)).toBe(24_000);
    expect(refreshDelay(100_000)).toBe(80_000);
  });
  it("never spins: at least one second, even for an expired token", () => {
    expect(refreshDelay(0)).toBe(1_000);
    expect(refreshDelay(-5_000)).toBe(1_000);
  });
});
