import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import { describe, expect, it } from "vitest";
import {
  lanAddresses,
  loadTlsCredentials,
  SELF_SIGNED_CERT_FILE,
  SELF_SIGNED_KEY_FILE,
  subjectAltNames,
} from "./tls-certificate.js";

const DAY = 86_400_000;

describe("self-signed certificate", () => {
  it("covers the machine's names and addresses, lasts a year, and keeps its key private", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "won-tls-"));
    const tls = await loadTlsCredentials({ kind: "self-signed", dataDir });
    expect(tls?.generated).toBe(true);
    const cert = new X509Certificate(readFileSync(join(dataDir, SELF_SIGNED_CERT_FILE)));
    const names = subjectAltNames(cert);
    for (const n of [`DNS:${hostname()}`, "DNS:localhost", "IP:127.0.0.1"]) expect(names).toContain(n);
    for (const ip of lanAddresses().filter((a) => !a.includes(":"))) expect(names).toContain(`IP:${ip}`);
    const days = (Date.parse(cert.validTo) - Date.now()) / DAY;
    expect(days).toBeGreaterThan(360);
    expect(days).toBeLessThan(367);
    expect(statSync(join(dataDir, SELF_SIGNED_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(tls?.fingerprint).toBe(cert.fingerprint256);
    expect(tls?.spkiSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("is reused while it fits, and replaced near expiry or when the names changed", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "won-tls-"));
    const first = await loadTlsCredentials({ kind: "self-signed", dataDir });
    const again = await loadTlsCredentials({ kind: "self-signed", dataDir });
    expect(again?.generated).toBe(false);
    expect(again?.fingerprint).toBe(first?.fingerprint);

    const nearExpiry = await loadTlsCredentials({ kind: "self-signed", dataDir }, Date.now() + 340 * DAY);
    expect(nearExpiry?.generated).toBe(true);
    expect(nearExpiry?.fingerprint).not.toBe(first?.fingerprint);

    // A certificate for other names (another machine, or this one before its address changed).
    const foreign = await generate([{ name: "commonName", value: "elsewhere.test" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "elsewhere.test" }] }],
    });
    writeFileSync(join(dataDir, SELF_SIGNED_CERT_FILE), foreign.cert);
    writeFileSync(join(dataDir, SELF_SIGNED_KEY_FILE), foreign.private);
    const renamed = await loadTlsCredentials({ kind: "self-signed", dataDir });
    expect(renamed?.generated).toBe(true);
    expect(subjectAltNames(new X509Certificate(renamed?.cert ?? ""))).toContain("DNS:localhost");
  });

  it("reads PEM files as given", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "won-tls-"));
    const made = await loadTlsCredentials({ kind: "self-signed", dataDir });
    const files = {
      kind: "files" as const,
      certFile: join(dataDir, SELF_SIGNED_CERT_FILE),
      keyFile: join(dataDir, SELF_SIGNED_KEY_FILE),
    };
    const read = await loadTlsCredentials(files);
    expect(read).toMatchObject({
      fingerprint: made?.fingerprint,
      spkiSha256: made?.spkiSha256,
      generated: false,
    });
  });
});
