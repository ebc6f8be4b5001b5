/**
 * Which push endpoints the server will send to. A subscription's endpoint is a URL the client
 * chose, and the server POSTs to it later: unchecked, that is a server-side request forgery into
 * the server's own network. An endpoint must be https and its host must resolve only to public
 * unicast addresses (no loopback, private, link-local, unique-local, CGNAT, multicast or reserved
 * range). The check runs when a subscription is registered and again before each send, so a name
 * that later re-resolves to an inside address is refused too.
 *
 * `allowLoopback` (PUSH_ALLOW_LOOPBACK, tests only) also admits `http://127.0.0.1:<port>`.
 */
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { AppError } from "../domain/errors.js";

export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Whether `address` is a public unicast address (an IPv4-mapped IPv6 address counts as IPv4). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === "unicast";
}

/** `endpoint` as a URL the server may POST to, or `invalid_body` naming the problem. */
export async function checkPushEndpoint(
  endpoint: string,
  { allowLoopback = false, resolve = resolveAll }: { allowLoopback?: boolean; resolve?: Resolve } = {},
): Promise<URL> {
  const refuse = (message: string) =>
    new AppError("invalid_body", `The push endpoint ${message}`, {
      fieldErrors: [{ path: "endpoint", message }],
    });
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw refuse("is not a URL");
  }
  if (url.username || url.password) throw refuse("must not carry credentials");
  if (allowLoopback && url.protocol === "http:" && url.hostname === "127.0.0.1") return url;
  if (url.protocol !== "https:") throw refuse("must be an https URL");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : await resolve(host);
  } catch {
    throw refuse("host does not resolve");
  }
  if (!addresses.length) throw refuse("host does not resolve");
  if (!addresses.every(isPublicAddress)) throw refuse("must be on a public address");
  return url;
}
