/**
 * TLS credentials for serving HTTPS/WSS on `PORT`: PEM files named in the configuration, or a
 * self-signed certificate kept in `DATA_DIR` for a laptop serving a venue LAN. Browsers give the
 * microphone, the service worker and the audio encoder only to secure pages, so phones on the
 * LAN need https even where nobody can get a public certificate.
 */
import { createHash, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

/** How the server gets its certificate (config `TLS_*`); `null` = plain http. */
export type TlsSource =
  | { kind: "files"; certFile: string; keyFile: string }
  | { kind: "self-signed"; dataDir: string }
  | null;

export interface TlsCredentials {
  cert: string;
  key: string;
  /** SHA-256 of the certificate (DER), colon-separated hex: what a browser shows. */
  fingerprint: string;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo: what HPKP-style pins and
   *  Chromium's `--ignore-certificate-errors-spki-list` take. */
  spkiSha256: string;
  /** true when this start generated a new self-signed certificate. */
  generated: boolean;
}

export const SELF_SIGNED_CERT_FILE = "tls-cert.pem";
export const SELF_SIGNED_KEY_FILE = "tls-key.pem";
const VALID_DAYS = 365;
/** A certificate expiring sooner than this is replaced at start. */
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** The machine's non-internal IPv4 and IPv6 addresses, IPv4 first, in interface order. */
export function lanAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal);
  const strip = (address: string) => address.replace(/%.*$/, ""); // IPv6 zone id
  return [
    ...external.filter((a) => a.family === "IPv4").map((a) => a.address),
    ...external.filter((a) => a.family === "IPv6").map((a) => strip(a.address)),
  ];
}

/** The names and addresses a self-signed certificate for this machine must cover. */
export function machineNames(): { dns: string[]; ips: string[] } {
  const dns = [...new Set([hostname(), "localhost"].filter(Boolean))];
  const ips = [...new Set(["127.0.0.1", ...lanAddresses()])];
  return { dns, ips };
}

/** Reads or makes the credentials `source` names; `null` for plain http. */
export async function loadTlsCredentials(
  source: TlsSource,
  now = Date.now(),
): Promise<TlsCredentials | null> {
  if (!source) return null;
  if (source.kind === "files") {
    const cert = readFileSync(source.certFile, "utf8");
    return { ...describe(cert), cert, key: readFileSync(source.keyFile, "utf8"), generated: false };
  }
  return selfSigned(source.dataDir, now);
}

/** The certificate in DATA_DIR when it still covers this machine and is not about to expire;
 *  otherwise a fresh one, written there (key mode 0600). */
async function selfSigned(dataDir: string, now: number): Promise<TlsCredentials> {
  const certFile = join(dataDir, SELF_SIGNED_CERT_FILE);
  const keyFile = join(dataDir, SELF_SIGNED_KEY_FILE);
  const wanted = machineNames();
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, "utf8");
    if (stillFits(new X509Certificate(cert), wanted, now)) {
      return { ...describe(cert), cert, key: readFileSync(keyFile, "utf8"), generated: false };
    }
  }
  const pems = await generate([{ name: "commonName", value: wanted.dns[0] ?? "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + VALID_DAYS * 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...wanted.dns.map((value) => ({ type: 2 as const, value })),
          ...wanted.ips.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  chmodSync(keyFile, 0o600); // an older file keeps its mode through writeFileSync
  writeFileSync(certFile, pems.cert);
  return { ...describe(pems.cert), cert: pems.cert, key: pems.private, generated: true };
}

function stillFits(cert: X509Certificate, wanted: { dns: string[]; ips: string[] }, now: number): boolean {
  if (Date.parse(cert.validTo) - now < RENEW_BEFORE_MS) return false;
  const have = subjectAltNames(cert);
  const want = [...wanted.dns.map((d) => `DNS:${d}`), ...wanted.ips.map((ip) => `IP:${normaliseIp(ip)}`)];
  return want.length === have.size && want.every((n) => have.has(n));
}

/** `DNS:name` and `IP:address` entries of the certificate's subjectAltName. */
export function subjectAltNames(cert: X509Certificate): Set<string> {
  const entries = (cert.subjectAltName ?? "").split(",").map((s) => s.trim());
  return new Set(
    entries
      .filter(Boolean)
      .map((e) => (e.startsWith("IP Address:") ? `IP:${normaliseIp(e.slice(11))}` : e))
      .filter((e) => e.startsWith("DNS:") || e.startsWith("IP:")),
  );
}

/** IPv6 addresses as Node prints them in a certificate (full, upper-case groups) compare equal
 *  to their compressed form. */
function normaliseIp(ip: string): string {
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.split("::");
  const groups = (s: string) => (s ? s.split(":") : []);
  const h = groups(head);
  const t = groups(tail);
  const full = ip.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return full.map((g) => Number.parseInt(g, 16).toString(16)).join(":");
}

function describe(certPem: string): Pick<TlsCredentials, "fingerprint" | "spkiSha256"> {
  const cert = new X509Certificate(certPem);
  const spki = cert.publicKey.export({ type: "spki", format: "der" });
  return {
    fingerprint: cert.fingerprint256,
    spkiSha256: createHash("sha256").update(spki).digest("base64"),
  };
}
