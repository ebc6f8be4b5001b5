import { CLOSE } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { backoffDelay, CLIENT_RECONNECT, closeAction } from "./backoff";

describe("backoffDelay", () => {
  it("grows exponentially and stays within [base/2, cap]", () => {
    const opts = { baseMs: 500, capMs: 30_000 };
    for (let a = 0; a < 30; a++) {
      for (const r of [0, 0.5, 0.999]) {
        const d = backoffDelay(a, opts, () => r);
        expect(d).toBeGreaterThanOrEqual(250);
        expect(d).toBeLessThanOrEqual(30_000);
      }
    }
    expect(backoffDelay(0, opts, () => 1)).toBe(500);
    expect(backoffDelay(3, opts, () => 1)).toBe(4000);
    expect(backoffDelay(50, opts, () => 1)).toBe(30_000);
  });

  it("jitters: different random draws give different delays", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) seen.add(backoffDelay(5, undefined, () => i / 20));
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe("closeAction", () => {
  it("follows the contract's close code semantics", () => {
    expect(closeAction(CLOSE.normal)).toBe("stop");
    expect(closeAction(CLOSE.unauthenticated)).toBe("refresh");
    expect(closeAction(CLOSE.goingAway)).toBe("retry");
    expect(closeAction(CLOSE.restart)).toBe("retry");
    expect(closeAction(CLOSE.rateLimited)).toBe("retry");
    expect(closeAction(CLOSE.authTimeout)).toBe("retry");
    expect(closeAction(1006)).toBe("retry");
    expect(closeAction(CLIENT_RECONNECT)).toBe("retry");
    expect(closeAction(CLOSE.protocolViolation)).toBe("retry-slow");
    expect(closeAction(CLOSE.tooLarge)).toBe("retry-slow");
    expect(closeAction(CLOSE.tooManyConnections)).toBe("wait-for-user");
  });
});
