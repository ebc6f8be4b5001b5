import { describe, expect, it } from "vitest";
import { configuredBase, publicBaseFor } from "./public-url.js";

const plain = { publicUrl: null, port: 8000, tls: null };
const LAN = ["192.168.1.20", "fd00::20"];

describe("publicBaseFor", () => {
  it.each([
    ["http", "127.0.0.1:8000", "http://192.168.1.20:8000"],
    ["https", "localhost:8443", "https://192.168.1.20:8443"],
    ["http", "[::1]:8000", "http://192.168.1.20:8000"],
    ["http", "127.0.0.1", "http://192.168.1.20"],
    ["https", "venue.test:8443", "https://venue.test:8443"],
    ["http", "10.0.0.7:8000", "http://10.0.0.7:8000"],
    ["https", "radio.example.org", "https://radio.example.org"],
  ])("%s Host %s → %s", (protocol, host, expected) => {
    expect(publicBaseFor(plain, { protocol, host }, LAN)).toBe(expected);
  });

  it("keeps loopback when the machine has no LAN address", () => {
    expect(publicBaseFor(plain, { protocol: "http", host: "127.0.0.1:8000" }, [])).toBe(
      "http://127.0.0.1:8000",
    );
  });

  it("never uses an IPv6 LAN address in place of loopback (phones at a venue use IPv4)", () => {
    expect(publicBaseFor(plain, { protocol: "http", host: "localhost:8000" }, ["fd00::20"])).toBe(
      "http://localhost:8000",
    );
  });

  it("prefers PUBLIC_URL", () => {
    const config = { ...plain, publicUrl: "https://radio.example.org" };
    expect(publicBaseFor(config, { protocol: "http", host: "127.0.0.1:8000" }, LAN)).toBe(
      "https://radio.example.org",
    );
  });

  it("falls back to the configuration without a usable Host", () => {
    expect(publicBaseFor(plain, { protocol: "http", host: undefined }, LAN)).toBe("http://192.168.1.20:8000");
    expect(publicBaseFor(plain, { protocol: "http", host: "bad host" }, LAN)).toBe(
      "http://192.168.1.20:8000",
    );
  });
});

describe("configuredBase", () => {
  it("is https on PORT at the LAN address when TLS is on", () => {
    expect(configuredBase({ ...plain, tls: { kind: "self-signed" } }, LAN)).toBe("https://192.168.1.20:8000");
    expect(configuredBase(plain, [])).toBe("http://localhost:8000");
  });
});
