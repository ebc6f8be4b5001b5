import { describe, expect, it } from "vitest";
import { createBacking, startApp } from "../test/harness.js";

describe("request ids", () => {
  it("returns the client's X-Request-Id, or a fresh one, on every response (errors too)", async () => {
    const app = await startApp(await createBacking("embedded"));
    try {
      const given = await app.api.req("GET", "/healthz", { headers: { "x-request-id": "trace-123" } });
      expect(given.headers["x-request-id"]).toBe("trace-123");
      const fresh = await app.api.get("/api/v1/me");
      expect(fresh.status).toBe(401);
      expect(String(fresh.headers["x-request-id"])).toMatch(/^[0-9a-f-]{36}$/);
      // Health and the OpenAPI document are also under the API prefix, as the contract lists them.
      expect((await app.api.get("/api/v1/healthz")).status).toBe(200);
      expect((await app.api.get("/api/v1/readyz")).status).toBe(200);
      expect((await app.api.get("/api/v1/openapi.json")).body.openapi).toBe("3.1.0");
      // No upgrade-insecure-requests: plain http on a venue LAN must keep working.
      expect(String((await app.api.get("/healthz")).headers["content-security-policy"])).not.toContain(
        "upgrade-insecure-requests",
      );
    } finally {
      await app.close();
    }
  });
});
