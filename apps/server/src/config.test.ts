import { mkdtempSync, writeFileSync } from "node:fs";
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

describe("TLS", () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };
  const pem = join(base.DATA_DIR, "some.pem");
  writeFileSync(pem, "not checked here");

  it("is plain http by default", () => {
    expect(loadConfig(base).tls).toBeNull();
  });

  it("takes a certificate and key file together", () => {
    expect(loadConfig({ ...base, TLS_CERT_FILE: pem, TLS_KEY_FILE: pem }).tls).toEqual({
      kind: "files",
      certFile: pem,
      keyFile: pem,
    });
  });

  it.each<Record<string, string>>([{ TLS_CERT_FILE: pem }, { TLS_KEY_FILE: pem }])(
    "refuses one file without the other: %j",
    (env) => {
      expect(problemsOf(env).join()).toMatch(/set both or neither/);
    },
  );

  it("refuses a file that does not exist", () => {
    const missing = join(base.DATA_DIR, "missing.pem");
    expect(problemsOf({ TLS_CERT_FILE: missing, TLS_KEY_FILE: pem })).toEqual([
      `TLS_CERT_FILE: no such file: ${missing}`,
    ]);
  });

  it("generates into DATA_DIR with TLS_SELF_SIGNED=true", () => {
    expect(loadConfig({ ...base, TLS_SELF_SIGNED: "true" }).tls).toEqual({
      kind: "self-signed",
      dataDir: base.DATA_DIR,
    });
    expect(loadConfig({ ...base, TLS_SELF_SIGNED: "false" }).tls).toBeNull();
  });

  it("refuses a self-signed certificate beside files, and a non-boolean", () => {
    expect(problemsOf({ TLS_SELF_SIGNED: "true", TLS_CERT_FILE: pem, TLS_KEY_FILE: pem }).join()).toMatch(
      /TLS_SELF_SIGNED: cannot be combined/,
    );
    expect(problemsOf({ TLS_SELF_SIGNED: "sure" }).join()).toMatch(/^TLS_SELF_SIGNED:/);
  });
});

describe("PUBLIC_URL", () => {
  const parse = (value: string) => loadConfig({ ...base, PUBLIC_URL: value }).publicUrl;

  it.each([
    ["https://radio.example.org", "https://radio.example.org"],
    ["https://radio.example.org/", "https://radio.example.org"],
    ["http://10.0.0.5:8000", "http://10.0.0.5:8000"],
    ["HTTPS://Venue.Local:8443", "https://venue.local:8443"],
  ])("%j → %j", (value, expected) => {
    expect(parse(value)).toBe(expected);
  });

  it("is unset by default", () => {
    expect(loadConfig(base).publicUrl).toBeNull();
  });

  it.each([
    "radio.example.org",
    "ftp://radio.example.org",
    "https://radio.example.org/won",
    "https://x.org/?a=1",
  ])("refuses %j", (value) => {
    expect(() => parse(value)).toThrow(/PUBLIC_URL: must be an http:\/\/ or https:\/\/ URL without a path/);
  });
});
