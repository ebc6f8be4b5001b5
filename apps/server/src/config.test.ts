import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const base = {
  DATA_DIR: mkdtempSync(join(tmpdir(), "won-config-")),
  JWT_SECRET: "config-test-secret-config-test-secret-0123",
};

describe("TRUST_PROXY", () => {
  const parse = (value: string | undefined) => loadConfig({ ...base, TRUST_PROXY: value }).trustProxy;

  it.each([
    [undefined, { kind: "none" }],
    ["", { kind: "none" }],
    ["false", { kind: "none" }],
    ["no", { kind: "none" }],
    ["0", { kind: "none" }],
    ["true", { kind: "hops", hops: 1 }],
    ["yes", { kind: "hops", hops: 1 }],
    ["1", { kind: "hops", hops: 1 }],
    ["2", { kind: "hops", hops: 2 }],
    ["10.0.0.5", { kind: "addresses", addresses: ["10.0.0.5"] }],
    [" 10.0.0.0/8, 192.168.1.7 ,::1", { kind: "addresses", addresses: ["10.0.0.0/8", "192.168.1.7", "::1"] }],
    ["loopback,fd00::/8", { kind: "addresses", addresses: ["loopback", "fd00::/8"] }],
  ])("%j → %j", (value, expected) => {
    expect(parse(value)).toEqual(expected);
  });

  it.each(["maybe", "-1", "1.5", "21", "10.0.0.0/33", "300.1.1.1", "10.0.0.1, nginx", ","])(
    "refuses %j with a readable problem",
    (value) => {
      let error: unknown;
      try {
        parse(value);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^TRUST_PROXY: /)]);
    },
  );

  it("is frozen", () => {
    const trust = parse("10.0.0.1,10.0.0.2");
    expect(Object.isFrozen(trust)).toBe(true);
    if (trust.kind === "addresses") expect(Object.isFrozen(trust.addresses)).toBe(true);
  });
});
