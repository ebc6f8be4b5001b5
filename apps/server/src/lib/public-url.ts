/**
 * Where phones reach this server, for invite links: `PUBLIC_URL` when configured; otherwise the
 * origin the request came to, except that a loopback host (the organiser's own browser at
 * 127.0.0.1 or localhost) is replaced by the machine's first LAN IPv4 address, port kept: a
 * phone scanning the organiser's QR code can never reach the organiser's loopback.
 */
import { lanAddresses } from "./tls-certificate.js";

/** What the derivation needs of the configuration. */
export interface PublicUrlConfig {
  /** `PUBLIC_URL` as an origin without a trailing slash, or null. */
  readonly publicUrl: string | null;
  readonly port: number;
  readonly tls: unknown;
}

/** What it needs of the request: Fastify's `protocol` (proxy-aware) and `host` (Host header). */
export interface RequestOrigin {
  readonly protocol: string;
  readonly host: string | undefined;
}

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]", "::1"]);

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || h.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The public origin for one request. `lan` is the machine's LAN addresses (IPv4 first). */
export function publicBaseFor(config: PublicUrlConfig, req: RequestOrigin, lan = lanAddresses()): string {
  if (config.publicUrl) return config.publicUrl;
  const protocol = req.protocol === "https" ? "https" : "http";
  let url: URL;
  try {
    url = new URL(`${protocol}://${req.host ?? ""}`);
    if (!req.host) throw new Error("no Host header");
  } catch {
    return configuredBase(config, lan);
  }
  const lanIpv4 = lan.find((a) => !a.includes(":"));
  if (isLoopbackHost(url.hostname) && lanIpv4) url.hostname = lanIpv4;
  return url.origin;
}

/** The public origin without a request (the admin CLI): `PUBLIC_URL`, else this machine's first
 *  LAN IPv4 address (or localhost) on `PORT`, https when TLS is on. */
export function configuredBase(config: PublicUrlConfig, lan = lanAddresses()): string {
  if (config.publicUrl) return config.publicUrl;
  const protocol = config.tls ? "https" : "http";
  const host = lan.find((a) => !a.includes(":")) ?? "localhost";
  return new URL(`${protocol}://${host}:${config.port}`).origin;
}
