import type { IncomingMessage } from "node:http";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import type { TrustProxy } from "../config.js";
import { clientAddress, invalidProxyAddresses, proxyTrust } from "./client-address.js";

const none: TrustProxy = { kind: "none" };
const hops = (n: number): TrustProxy => ({ kind: "hops", hops: n });
const list = (...addresses: string[]): TrustProxy => ({ kind: "addresses", addresses });

/** [trust, socket peer, X-Forwarded-For, expected client] */
const CASES: [string, TrustProxy, string, string | undefined, string][] = [
  ["none: the header is ignored", none, "127.0.0.1", "203.0.113.9", "127.0.0.1"],
  ["1 hop: no header, the peer", hops(1), "127.0.0.1", undefined, "127.0.0.1"],
  ["1 hop: the entry the proxy added", hops(1), "127.0.0.1", "203.0.113.9", "203.0.113.9"],
  [
    "1 hop: what the client prepended is ignored",
    hops(1),
    "127.0.0.1",
    "6.6.6.6, 203.0.113.9",
    "203.0.113.9",
  ],
  ["1 hop: however much it prepends", hops(1), "127.0.0.1", "1.1.1.1,2.2.2.2,  203.0.113.9", "203.0.113.9"],
  [
    "2 hops: the entry the outer proxy added",
    hops(2),
    "127.0.0.1",
    "6.6.6.6, 203.0.113.9, 10.0.0.2",
    "203.0.113.9",
  ],
  ["2 hops, a shorter chain: its first entry", hops(2), "127.0.0.1", "203.0.113.9", "203.0.113.9"],
  ["listed proxy: its entry", list("127.0.0.1"), "127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"],
  [
    "listed proxy, IPv4-mapped peer",
    list("127.0.0.1"),
    "::ffff:127.0.0.1",
    "6.6.6.6, 203.0.113.9",
    "203.0.113.9",
  ],
  ["unlisted peer: the header is not believed", list("10.0.0.0/8"), "192.0.2.7", "203.0.113.9", "192.0.2.7"],
  [
    "two listed proxies in a row",
    list("10.0.0.0/8"),
    "10.0.0.1",
    "6.6.6.6, 203.0.113.9, 10.0.0.2",
    "203.0.113.9",
  ],
  [
    "a listed-looking entry left of the client is not trusted",
    list("10.0.0.0/8"),
    "10.0.0.1",
    "10.9.9.9, 203.0.113.9",
    "203.0.113.9",
  ],
  ["IPv6 proxy range", list("fd00::/8"), "fd00::1", "2001:db8::7", "2001:db8::7"],
  ["named range", list("loopback"), "::1", "6.6.6.6, 203.0.113.9", "203.0.113.9"],
];

function fakeRequest(peer: string | undefined, forwardedFor: string | undefined): IncomingMessage {
  return {
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
    socket: { remoteAddress: peer },
  } as unknown as IncomingMessage;
}

describe("clientAddress", () => {
  it.each(CASES)("%s", (_what, trust, peer, forwardedFor, expected) => {
    expect(clientAddress(fakeRequest(peer, forwardedFor), trust)).toBe(expected);
  });

  it("is 'unknown' once the socket is gone", () => {
    expect(clientAddress(fakeRequest(undefined, undefined), none)).toBe("unknown");
    expect(clientAddress(fakeRequest(undefined, undefined), hops(1))).toBe("unknown");
  });

  it("agrees with Fastify's request.ip given proxyTrust, case by case", async () => {
    for (const [what, trust, peer, forwardedFor, expected] of CASES) {
      const app = Fastify({ trustProxy: proxyTrust(trust) });
      app.get("/", async (req) => ({ ip: req.ip }));
      const res = await app.inject({
        method: "GET",
        url: "/",
        remoteAddress: peer,
        headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
      });
      expect(res.json().ip, what).toBe(expected);
      await app.close();
    }
  });
});

describe("proxyTrust", () => {
  it("is false when nothing is trusted, and compiled once per setting", () => {
    expect(proxyTrust(none)).toBe(false);
    const trust = hops(1);
    expect(proxyTrust(trust)).toBe(proxyTrust(trust));
  });

  it("trusts exactly the first n hops", () => {
    const fn = proxyTrust(hops(2));
    if (!fn) throw new Error("expected a trust function");
    expect([0, 1, 2, 3].map((hop) => fn("203.0.113.9", hop))).toEqual([true, true, false, false]);
  });
});

describe("invalidProxyAddresses", () => {
  it("accepts addresses, CIDR ranges, netmasks and named ranges", () => {
    expect(
      invalidProxyAddresses([
        "10.0.0.1",
        "10.0.0.0/8",
        "10.0.0.0/255.0.0.0",
        "::1",
        "fd00::/8",
        "uniquelocal",
      ]),
    ).toEqual([]);
  });

  it("names each bad entry", () => {
    const problems = invalidProxyAddresses(["10.0.0.1", "nginx", "1.5", "10.0.0.0/33", "300.1.1.1"]);
    expect(problems).toHaveLength(4);
    for (const bad of ["nginx", "1.5", "10.0.0.0/33", "300.1.1.1"])
      expect(problems.some((p) => p.includes(`"${bad}"`))).toBe(true);
  });
});
