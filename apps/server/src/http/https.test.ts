import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { SELF_SIGNED_CERT_FILE } from "../lib/tls-certificate.js";
import { createBacking, startApp, type TestApp } from "../test/harness.js";

/** GET over https trusting nothing but the certificate the server presents. */
function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, servername: "localhost" }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("HTTPS and WSS on PORT with TLS_SELF_SIGNED", () => {
  let t: TestApp;
  let port: number;
  let cert: string;

  beforeAll(async () => {
    t = await startApp(await createBacking("embedded", { TLS_SELF_SIGNED: "true" }));
    port = (t.app.fastify.server.address() as { port: number }).port;
    cert = readFileSync(join(t.app.ctx.config.dataDir, SELF_SIGNED_CERT_FILE), "utf8");
  });
  afterAll(() => t?.close());

  it("serves the API over https with the generated certificate (valid for localhost)", async () => {
    const res = await httpsGet(`https://localhost:${port}/healthz`, cert);
    expect(res.status).toBe(200);
  });

  it("accepts WebSocket upgrades on the same port (wss)", async () => {
    const user = await t.api.user();
    const ws = new WebSocket(`wss://localhost:${port}/api/v1/realtime`, { ca: cert });
    const first = await new Promise<{ type: string }>((resolve, reject) => {
      ws.on("open", () => ws.send(JSON.stringify({ type: "auth", token: user.token })));
      ws.on("message", (data) => resolve(JSON.parse(String(data))));
      ws.on("error", reject);
    });
    ws.close();
    expect(first.type).toBe("ready");
  });
});
