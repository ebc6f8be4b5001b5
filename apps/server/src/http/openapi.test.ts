/**
 * The OpenAPI document is honest and valid: built from the route table by a real app, linted by
 * Redocly's recommended rules with no errors; every table entry is a registered route and every
 * registered `/api/v1` route is in the table; and the document says what routes really answer.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { API_PREFIX, ERRORS, errorCodesOf, openApiPath, routes } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacking, startApp, type TestApp } from "../test/harness.js";

const run = promisify(execFile);
const redocly = join(
  dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")),
  "bin/cli.js",
);

describe("OpenAPI document and route table", () => {
  let t: TestApp;
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document
  let doc: any;

  beforeAll(async () => {
    t = await startApp(await createBacking("embedded"));
    const res = await t.api.get("/openapi.json");
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t?.close());

  it("passes `redocly lint` (recommended rules) with no errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "won-openapi-"));
    try {
      const file = join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(doc, null, 2));
      const result = await run(
        process.execPath,
        [redocly, "lint", "--extends=recommended", "--format=json", file],
        {
          env: {
            ...process.env,
            REDOCLY_TELEMETRY: "off",
            REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
            NO_COLOR: "1",
          },
          maxBuffer: 64 * 1024 * 1024,
        },
      ).catch((err: { stdout?: string; stderr?: string }) => ({
        stdout: err.stdout ?? "",
        stderr: err.stderr ?? "",
      }));
      const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
      };
      const line = (p: (typeof report.problems)[number]) =>
        `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`;
      const warnings = report.problems.filter((p) => p.severity !== "error").map(line);
      if (warnings.length) console.info(`redocly warnings:\n${warnings.join("\n")}`);
      expect(report.problems.filter((p) => p.severity === "error").map(line)).toEqual([]);
      expect(report.totals.errors).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("every table route is registered, and every registered /api/v1 route is in the table", () => {
    const fastify = t.app.fastify;
    for (const route of Object.values(routes)) {
      expect(
        fastify.hasRoute({ method: route.method, url: API_PREFIX + route.path }),
        route.operationId,
      ).toBe(true);
    }
    const table = new Set(Object.values(routes).map((r) => `${r.method} ${API_PREFIX}${r.path}`));
    const registered = registeredRoutes(fastify.printRoutes({ commonPrefix: false }))
      .filter((r) => r.url.startsWith(`${API_PREFIX}/`) && r.method !== "HEAD")
      .map((r) => `${r.method} ${r.url}`);
    expect(registered.length).toBeGreaterThan(20);
    expect(registered.filter((r) => !table.has(r))).toEqual([]);
    expect([...table].filter((r) => !registered.includes(r))).toEqual([]);
  });

  it("documents every operation with its id, summary, tag, security and error statuses", () => {
    const tags = doc.tags.map((tag: { name: string }) => tag.name);
    expect(doc.servers).toEqual([expect.objectContaining({ url: API_PREFIX })]);
    for (const route of Object.values(routes)) {
      const op = doc.paths[openApiPath(route.path)][route.method.toLowerCase()];
      expect(op.operationId).toBe(route.operationId);
      expect(op.summary).toEqual(expect.any(String));
      expect(tags).toContain(op.tags[0]);
      expect(op.security).toEqual(route.auth === "bearer" ? [{ bearer: [] }] : []);
      for (const code of errorCodesOf(route)) {
        const res = op.responses[String(ERRORS[code].status)];
        expect(res, `${route.operationId} ${code}`).toBeDefined();
        expect(Object.keys(res.content)).toEqual(["application/problem+json"]);
      }
    }
    for (const name of ["register", "login", "refresh"] as const)
      expect(doc.paths[openApiPath(routes[name].path)].post.security).toEqual([]);
  });

  it("states what JSON Schema can: optional logout body, minProperties, invite-code pattern, audio", () => {
    const logout = doc.paths["/auth/logout"].post;
    expect(logout.requestBody.required).toBe(false);
    expect(logout.requestBody.content["application/json"].schema.properties).toHaveProperty("refreshToken");
    const patchMember = doc.paths["/channels/{channelId}/members/{userId}"].patch;
    expect(patchMember.requestBody.content["application/json"].schema.minProperties).toBe(1);
    const code = doc.paths["/join"].post.requestBody.content["application/json"].schema.properties.code;
    expect(new RegExp(code.pattern).test("abcd-2345")).toBe(true);
    expect(new RegExp(code.pattern).test("ABCD-234O")).toBe(false);
    const history = doc.paths["/channels/{channelId}/messages"].get.parameters;
    expect(history.find((p: { name: string }) => p.name === "before").description).toMatch(/after/);
    const recording = doc.paths["/recordings/{recordingId}"].get.responses;
    for (const status of ["200", "206"])
      expect(Object.keys(recording[status].content)).toEqual(["audio/ogg"]);
    expect(recording["416"].content).toHaveProperty("application/problem+json");
    expect(
      doc.paths["/channels/{channelId}/invite-code"].post.responses["200"].content["application/json"].schema
        .properties,
    ).toHaveProperty("abilities");
  });
});

/** Every route in Fastify's printed route tree (`├── /path (GET, HEAD)`, children indented). */
function registeredRoutes(tree: string): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    for (const method of (m[3] ?? "").split(", ").filter(Boolean)) out.push({ method, url: stack.join("") });
  }
  return out;
}
