import { describe, expect, it } from "vitest";
import { AppError } from "../domain/errors.js";
import { checkPushEndpoint, isPublicAddress } from "./endpoint.js";

const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

async function refusal(endpoint: string, opts: Parameters<typeof checkPushEndpoint>[1] = {}) {
  try {
    await checkPushEndpoint(endpoint, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("invalid_body");
    return (err as AppError).message;
  }
  throw new Error(`${endpoint} was accepted`);
}

describe("push endpoints the server will send to", () => {
  it("takes https on public addresses", async () => {
    const url = await checkPushEndpoint("https://push.example.net/wpush/v2/abc", {
      resolve: resolvesTo("142.250.74.42", "2a00:1450:4001:82b::200a"),
    });
    expect(url.hostname).toBe("push.example.net");
  });

  it.each([
    ["http://push.example.net/x", "https"],
    ["ftp://push.example.net/x", "https"],
    ["not a url", "not a URL"],
    ["https://user:pw@push.example.net/x", "credentials"],
    ["https://127.0.0.1/x", "public"],
    ["https://[::1]/x", "public"],
    ["https://10.1.2.3/x", "public"],
    ["https://192.168.0.10/x", "public"],
    ["https://169.254.169.254/latest/meta-data", "public"],
    ["https://[fe80::1]/x", "public"],
    ["https://[fd00::1]/x", "public"],
    ["https://[::ffff:127.0.0.1]/x", "public"],
    ["https://100.64.0.1/x", "public"],
    ["https://0.0.0.0/x", "public"],
  ])("refuses %s", async (endpoint, why) => {
    expect(await refusal(endpoint)).toContain(why);
  });

  it("refuses a name that resolves to an inside address, even among public ones", async () => {
    expect(
      await refusal("https://evil.example/x", { resolve: resolvesTo("142.250.74.42", "10.0.0.5") }),
    ).toContain("public");
    expect(
      await refusal("https://gone.example/x", {
        resolve: async () => {
          throw new Error("ENOTFOUND");
        },
      }),
    ).toContain("resolve");
  });

  it("admits http://127.0.0.1 only when loopback is allowed (tests)", async () => {
    expect(await refusal("http://127.0.0.1:9999/push")).toContain("https");
    await expect(
      checkPushEndpoint("http://127.0.0.1:9999/push", { allowLoopback: true }),
    ).resolves.toBeInstanceOf(URL);
    expect(await refusal("http://localhost:9999/push", { allowLoopback: true })).toContain("https");
    expect(await refusal("http://10.0.0.1:9999/push", { allowLoopback: true })).toContain("https");
  });

  it("classifies addresses", () => {
    expect(isPublicAddress("8.8.8.8")).toBe(true);
    expect(isPublicAddress("::ffff:8.8.8.8")).toBe(true);
    expect(isPublicAddress("172.16.5.4")).toBe(false);
    expect(isPublicAddress("garbage")).toBe(false);
  });
});
