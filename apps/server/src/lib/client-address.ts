/**
 * The client's address, for per-address limits (registration, login, pending sockets): one rule
 * for REST requests (Fastify's `request.ip`, which calls the function `proxyTrust` returns) and for
 * WebSocket upgrades (`clientAddress`), so the two can never disagree.
 *
 * X-Forwarded-For is read right to left, starting from the socket peer: an address is believed to
 * be a proxy, and the entry to its left taken as the one it saw, only while TRUST_PROXY trusts
 * it; the first untrusted address is the client. Entries further left were written by the client
 * and are never used, so prepending made-up addresses cannot open fresh rate-limit buckets.
 * `proxy-addr` (the package Fastify itself uses) does the reading; no other module of ours
 * touches it.
 */
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import proxyAddr from "@fastify/proxy-addr";

/** Whether the address `hop` steps from this server (0 = the socket peer) is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** The ranges proxy-addr knows by name. */
const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);
/**
 * Which peers may tell the server the client's address in X-Forwarded-For (TRUST_PROXY):
 * - `none`: nobody; the client is the socket peer and the header is ignored;
 * - `hops`: the nearest `hops` addresses (the socket peer first) are proxies, whatever they are;
 *   the instances must then be reachable only through those proxies;
 * - `addresses`: proxies are the listed addresses and CIDR ranges, wherever they sit.
 * `proxyTrust` (REST) and `clientAddress` (WebSocket upgrades) below apply it alike; `config.ts`
 * parses it from the environment.
 */
export type TrustProxy =
  | { readonly kind: "none" }
  | { readonly kind: "hops"; readonly hops: number }
  | { readonly kind: "addresses"; readonly addresses: readonly string[] };

const compiled = new WeakMap<TrustProxy, ProxyTrust | false>();

/**
 * The trust function for a TRUST_PROXY setting, or false when no proxy is trusted: what Fastify's
 * `trustProxy` option takes. (Fastify reads a bare number as "trust nothing", so a hop count is
 * handed over as this function, never as a number.) Compiled once per setting.
 */
export function proxyTrust(trust: TrustProxy): ProxyTrust | false {
  let fn = compiled.get(trust);
  if (fn === undefined) {
    fn = compile(trust);
    compiled.set(trust, fn);
  }
  return fn;
}

function compile(trust: TrustProxy): ProxyTrust | false {
  switch (trust.kind) {
    case "none":
      return false;
    case "hops": {
      const hops = trust.hops;
      return (_address, hop) => hop < hops;
    }
    case "addresses":
      return proxyAddr.compile([...trust.addresses]);
  }
}

/** The client's address for `req` under `trust`; "unknown" if the socket has already gone. */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const fn = proxyTrust(trust);
  const address = fn ? proxyAddr(req, fn) : req.socket.remoteAddress;
  return address || "unknown";
}

/**
 * The entries of a TRUST_PROXY address list that are not an IPv4 or IPv6 address, a CIDR range
 * (`10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `fd00::/8`) or one of `loopback`, `linklocal`,
 * `uniquelocal`, each with the reason. Empty when the list is usable.
 */
export function invalidProxyAddresses(addresses: readonly string[]): string[] {
  const problems: string[] = [];
  for (const address of addresses) {
    // proxy-addr also takes shorthand IPv4 (`1.5` is 1.0.0.5): only the usual notation is
    // accepted here, so a typo cannot silently trust some other address.
    const ip = address.split("/")[0] ?? "";
    if (!NAMED_RANGES.has(address) && !isIP(ip)) {
      problems.push(`"${address}" is not an IP address, a CIDR range or ${[...NAMED_RANGES].join("/")}`);
      continue;
    }
    try {
      proxyAddr.compile(address);
    } catch (err) {
      problems.push(`"${address}": ${(err as Error).message}`);
    }
  }
  return problems;
}
