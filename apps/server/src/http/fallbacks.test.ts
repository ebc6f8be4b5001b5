/**
 * Requests no route takes still get problem+json: OPTIONS that is not a preflight, a preflight
 * from a disallowed origin, a method a path does not serve (405 with Allow), a method Node's
 * parser refuses; and a lone UTF-16 surrogate anywhere in any body is 400 `invalid_body`.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacking, type Res, startApp, type TestApp, type TestUser } from "../test/harness.js";

const isProblem = (res: Res, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
};

describe("fallback answers and well-formed strings", () => {
  let t: TestApp;
  let U: TestUser;

  beforeAll(async () => {
    t = await startApp(await createBacking("embedded", { CORS_ORIGINS: "https://good.example" }));
    U = await t.api.user();
  });
  afterAll(() => t?.close());

  it("OPTIONS that is not a preflight is 405 with Allow", async () => {
    const res = await t.api.req("OPTIONS", "/api/v1/events");
    isProblem(res, 405, "method_not_allowed");
    expect(res.headers.allow).toBe("GET, HEAD, POST");
  });

  it("a preflight from a disallowed origin is 403; an allowed one is 204 with CORS headers", async () => {
    const preflight = (origin: string) =>
      t.api.req("OPTIONS", "/api/v1/events", {
        headers: { origin, "access-control-request-method": "POST" },
      });
    isProblem(await preflight("https://evil.example"), 403, "forbidden");
    const ok = await preflight("https://good.example");
    expect(ok.status).toBe(204);
    expect(ok.headers["access-control-allow-origin"]).toBe("https://good.example");
  });

  it("a method a known path does not serve is 405 with Allow; an unknown path stays 404", async () => {
    const put = await t.api.req("PUT", "/api/v1/channels/00000000-0000-0000-0000-000000000000", {
      token: U.token,
    });
    isProblem(put, 405, "method_not_allowed");
    expect(put.headers.allow).toBe("DELETE, GET, HEAD, PATCH");
    isProblem(await t.api.req("PROPFIND", "/api/v1/nope"), 404, "not_found");
  });

  it("a method Node cannot parse gets a problem, not Fastify's default body", async () => {
    const port = Number(new URL(t.url).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let data = "";
      socket.on("data", (b) => {
        data += b;
      });
      socket.on("error", reject);
      socket.on("close", () => resolve(data));
      socket.write("FOO /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).toMatchObject({
      status: 400,
      code: "invalid_body",
    });
  });

  it.each([
    ["POST", "/events", '{"name":"x\\ud800y"}', "name"],
    [
      "POST",
      "/auth/register",
      '{"username":"abc","email":"a@b.cd","password":"12345678","displayName":"\\udc00"}',
      "displayName",
    ],
    ["PATCH", "/me", '{"displayName":"ok\\ud83d"}', "displayName"],
    ["POST", "/join", '{"code":"\\ud800ABCD2345"}', "code"],
    ["POST", "/events", '{"name":"x","\\ud800":"y"}', "\ud800"],
  ])("%s %s with a lone surrogate is 400 invalid_body naming the field", async (method, url, body, path) => {
    const res = await t.api.req(method, url, {
      token: U.token,
      body,
      headers: { "content-type": "application/json" },
    });
    isProblem(res, 400, "invalid_body");
    expect(res.body.errors).toEqual([{ path, message: expect.stringMatching(/surrogate/) }]);
  });

  it("well-formed astral characters (surrogate pairs) are accepted", async () => {
    const res = await t.api.post("/events", { name: "Launch 🚀" }, U.token);
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("Launch 🚀");
  });

  it("logout takes no body at all, or an empty one", async () => {
    const a = await t.api.user();
    expect((await t.api.req("POST", "/auth/logout", { token: a.token })).status).toBe(204);
    const b = await t.api.user();
    expect((await t.api.post("/auth/logout", {}, b.token)).status).toBe(204);
  });
});
