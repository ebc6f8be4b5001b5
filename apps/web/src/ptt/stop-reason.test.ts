import { describe, expect, it } from "vitest";
import { stopReason } from "./stop-reason";

describe("stopReason", () => {
  it("a timeout well before the cap is a lease expiry (no audio arrived)", () => {
    expect(stopReason("timeout", 3_200, 60_000)).toBe("no_audio");
  });
  it("a timeout at the cap is the maximum talk time", () => {
    expect(stopReason("timeout", 59_500, 60_000)).toBe("timeout");
    expect(stopReason("timeout", 60_100, 60_000)).toBe("timeout");
  });
  it("other reasons, and a timeout without grant details, pass through", () => {
    expect(stopReason("preempted", 1_000, 60_000)).toBe("preempted");
    expect(stopReason("timeout", null, null)).toBe("timeout");
  });
});
