/**
 * Bad requests in both modes: wrong types, missing fields, over-long strings, unknown fields,
 * invalid JSON, wrong content types, bad path ids and bad queries all give 4xx
 * application/problem+json (RFC 9457) naming the bad fields, never a 5xx, and change nothing.
 * Also the service routes: /healthz, /readyz, /openapi.json and /docs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacking, MODES, type Res, startApp, type TestApp, type TestUser } from "../test/harness.js";

interface Case {
  what: string;
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  anonymous?: boolean;
  /** Refused before routing (a URL that cannot be decoded names no route): 400 even anonymous. */
  unroutable?: boolean;
  status: number;
  code: string;
  /** Paths that must appear in `errors` (validation failures). */
  paths?: string[];
}

function expectProblem(res: Res, c: Pick<Case, "what" | "status" | "code" | "paths">) {
  const where = `${c.what}: ${JSON.stringify(res.body)}`;
  expect(res.status, where).toBe(c.status);
  expect(String(res.headers["content-type"]), where).toMatch(/^application\/problem\+json/);
  expect(res.body, where).toMatchObject({
    type: expect.stringContaining(c.code),
    title: expect.any(String),
    status: c.status,
    code: c.code,
  });
  if (c.paths) {
    expect(Array.isArray(res.body.errors), where).toBe(true);
    for (const e of res.body.errors)
      expect(e, where).toEqual({ path: expect.any(String), message: expect.any(String) });
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
    for (const p of c.paths) expect(paths, where).toContain(p);
  }
}

const long = (n: number) => "x".repeat(n);

describe.each(MODES)("validation (%s)", (mode) => {
  let t: TestApp;
  let U: TestUser;
  let eventId: string;
  let channelId: string;
  let snapshot: () => Promise<unknown>;

  beforeAll(async () => {
    t = await startApp(await createBacking(mode));
    U = await t.api.user();
    eventId = (await t.api.post("/events", { name: "Event" }, U.token)).body.id;
    channelId = (await t.api.post("/channels", { name: "Chan", eventId }, U.token)).body.id;
    expect(
      (await t.api.post(`/channels/${channelId}/messages`, { body: "one", clientId: "c1" }, U.token)).status,
    ).toBe(201);
    /** Everything a bad request could have changed, as U sees it. */
    snapshot = async () => ({
      me: (await t.api.get("/me", U.token)).body,
      events: (await t.api.get("/events", U.token)).body,
      event: (await t.api.get(`/events/${eventId}`, U.token)).body,
      members: (await t.api.get(`/events/${eventId}/members`, U.token)).body,
      channels: (await t.api.get("/channels", U.token)).body,
      channelMembers: (await t.api.get(`/channels/${channelId}/members`, U.token)).body,
      messages: (await t.api.get(`/channels/${channelId}/messages`, U.token)).body,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = (c: Case) =>
    t.api.req(
      c.method,
      c.url.replaceAll(":eventId", eventId).replaceAll(":channelId", channelId).replaceAll(":userId", U.id),
      {
        body: c.body,
        headers: c.headers,
        token: c.anonymous ? undefined : U.token,
      },
    );

  const register = { username: "newuser_val", email: "newuser_val@example.test", password: "long enough pw" };

  const bodyCases: Case[] = [
    // Auth
    {
      what: "register: empty object",
      method: "POST",
      url: "/auth/register",
      body: {},
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["username", "email", "password"],
    },
    {
      what: "register: wrong types",
      method: "POST",
      url: "/auth/register",
      body: { username: 12345, email: true, password: ["x"] },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["username", "email", "password"],
    },
    {
      what: "register: username too short",
      method: "POST",
      url: "/auth/register",
      body: { ...register, username: "ab" },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["username"],
    },
    {
      what: "register: username too long",
      method: "POST",
      url: "/auth/register",
      body: { ...register, username: long(33) },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["username"],
    },
    {
      what: "register: username with a space",
      method: "POST",
      url: "/auth/register",
      body: { ...register, username: "new user" },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["username"],
    },
    {
      what: "register: bad email",
      method: "POST",
      url: "/auth/register",
      body: { ...register, email: "not-an-email" },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["email"],
    },
    {
      what: "register: email too long",
      method: "POST",
      url: "/auth/register",
      body: { ...register, email: `${long(250)}@example.test` },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["email"],
    },
    {
      what: "register: password too short",
      method: "POST",
      url: "/auth/register",
      body: { ...register, password: "short" },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["password"],
    },
    {
      what: "register: password too long",
      method: "POST",
      url: "/auth/register",
      body: { ...register, password: long(257) },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["password"],
    },
    {
      what: "register: displayName too long",
      method: "POST",
      url: "/auth/register",
      body: { ...register, displayName: long(65) },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["displayName"],
    },
    {
      what: "register: blank displayName",
      method: "POST",
      url: "/auth/register",
      body: { ...register, displayName: "   " },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["displayName"],
    },
    {
      what: "register: unknown field",
      method: "POST",
      url: "/auth/register",
      body: { ...register, isAdmin: true },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["isAdmin"],
    },
    {
      what: "login: missing password",
      method: "POST",
      url: "/auth/login",
      body: { login: "someone" },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["password"],
    },
    {
      what: "login: empty login",
      method: "POST",
      url: "/auth/login",
      body: { login: "", password: "x" },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["login"],
    },
    {
      what: "refresh: wrong type",
      method: "POST",
      url: "/auth/refresh",
      body: { refreshToken: 5 },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["refreshToken"],
    },
    {
      what: "refresh: too long",
      method: "POST",
      url: "/auth/refresh",
      body: { refreshToken: long(513) },
      anonymous: true,
      status: 400,
      code: "invalid_body",
      paths: ["refreshToken"],
    },
    {
      what: "logout: unknown field",
      method: "POST",
      url: "/auth/logout",
      body: { everywhere: true },
      status: 400,
      code: "invalid_body",
      paths: ["everywhere"],
    },
    {
      what: "logout: wrong type",
      method: "POST",
      url: "/auth/logout",
      body: { refreshToken: 1 },
      status: 400,
      code: "invalid_body",
      paths: ["refreshToken"],
    },
    {
      what: "PATCH /me: blank displayName",
      method: "PATCH",
      url: "/me",
      body: { displayName: " " },
      status: 400,
      code: "invalid_body",
      paths: ["displayName"],
    },
    {
      what: "PATCH /me: displayName too long",
      method: "PATCH",
      url: "/me",
      body: { displayName: long(65) },
      status: 400,
      code: "invalid_body",
      paths: ["displayName"],
    },
    {
      what: "PATCH /me: unknown field",
      method: "PATCH",
      url: "/me",
      body: { username: "renamed" },
      status: 400,
      code: "invalid_body",
      paths: ["username"],
    },
    // Events
    {
      what: "POST /events: missing name",
      method: "POST",
      url: "/events",
      body: { description: "x" },
      status: 400,
      code: "invalid_body",
      paths: ["name"],
    },
    {
      what: "POST /events: blank name",
      method: "POST",
      url: "/events",
      body: { name: "   " },
      status: 400,
      code: "invalid_body",
      paths: ["name"],
    },
    {
      what: "POST /events: name too long",
      method: "POST",
      url: "/events",
      body: { name: long(101) },
      status: 400,
      code: "invalid_body",
      paths: ["name"],
    },
    {
      what: "POST /events: description too long",
      method: "POST",
      url: "/events",
      body: { name: "n", description: long(2001) },
      status: 400,
      code: "invalid_body",
      paths: ["description"],
    },
    {
      what: "POST /events: bad date",
      method: "POST",
      url: "/events",
      body: { name: "n", startsAt: "tomorrow" },
      status: 400,
      code: "invalid_body",
      paths: ["startsAt"],
    },
    {
      what: "POST /events: ends before it starts",
      method: "POST",
      url: "/events",
      body: { name: "n", startsAt: "2026-01-02T00:00:00Z", endsAt: "2026-01-01T00:00:00Z" },
      status: 400,
      code: "invalid_body",
      paths: ["endsAt"],
    },
    {
      what: "POST /events: unknown field",
      method: "POST",
      url: "/events",
      body: { name: "n", inviteCode: "AAAAAAAA" },
      status: 400,
      code: "invalid_body",
      paths: ["inviteCode"],
    },
    {
      what: "POST /events: name wrong type",
      method: "POST",
      url: "/events",
      body: { name: 42 },
      status: 400,
      code: "invalid_body",
      paths: ["name"],
    },
    {
      what: "PATCH /events/:id: wrong type",
      method: "PATCH",
      url: "/events/:eventId",
      body: { name: ["a"] },
      status: 400,
      code: "invalid_body",
      paths: ["name"],
    },
    {
      what: "PATCH /events/:id: unknown field",
      method: "PATCH",
      url: "/events/:eventId",
      body: { myRole: "organiser" },
      status: 400,
      code: "invalid_body",
      paths: ["myRole"],
    },
    {
      what: "PATCH member: bad role",
      method: "PATCH",
      url: "/events/:eventId/members/:userId",
      body: { role: "king" },
      status: 400,
      code: "invalid_body",
      paths: ["role"],
    },
    {
      what: "PATCH member: missing role",
      method: "PATCH",
      url: "/events/:eventId/members/:userId",
      body: {},
      status: 400,
      code: "invalid_body",
      paths: ["role"],
    },
    // Channels
    {
      what: "POST /channels: bad eventId",
      method: "POST",
      url: "/channels",
      body: { name: "c", eventId: "42" },
      status: 400,
      code: "invalid_body",
      paths: ["eventId"],
    },
    {
      what: "POST /channels: name too long",
      method: "POST",
      url: "/channels",
      body: { name: long(101) },
      status: 400,
      code: "invalid_body",
      paths: ["name"],
    },
    {
      what: "POST /channels: unknown field",
      method: "POST",
      url: "/channels",
      body: { name: "c", lastSeq: 9 },
      status: 400,
      code: "invalid_body",
      paths: ["lastSeq"],
    },
    {
      what: "PATCH /channels/:id: description too long",
      method: "PATCH",
      url: "/channels/:channelId",
      body: { description: long(2001) },
      status: 400,
      code: "invalid_body",
      paths: ["description"],
    },
    {
      what: "PATCH channel member: empty",
      method: "PATCH",
      url: "/channels/:channelId/members/:userId",
      body: {},
      status: 400,
      code: "invalid_body",
    },
    {
      what: "PATCH channel member: wrong type",
      method: "PATCH",
      url: "/channels/:channelId/members/:userId",
      body: { canSpeak: "yes" },
      status: 400,
      code: "invalid_body",
      paths: ["canSpeak"],
    },
    {
      what: "PATCH channel member: bad role",
      method: "PATCH",
      url: "/channels/:channelId/members/:userId",
      body: { role: "owner" },
      status: 400,
      code: "invalid_body",
      paths: ["role"],
    },
    {
      what: "POST /join: short code",
      method: "POST",
      url: "/join",
      body: { code: "ABC" },
      status: 400,
      code: "invalid_body",
      paths: ["code"],
    },
    {
      what: "POST /join: ambiguous letters",
      method: "POST",
      url: "/join",
      body: { code: "OOOO0000" },
      status: 400,
      code: "invalid_body",
      paths: ["code"],
    },
    {
      what: "POST /join: wrong type",
      method: "POST",
      url: "/join",
      body: { code: 12345678 },
      status: 400,
      code: "invalid_body",
      paths: ["code"],
    },
    // Messages
    {
      what: "message: missing clientId",
      method: "POST",
      url: "/channels/:channelId/messages",
      body: { body: "x" },
      status: 400,
      code: "invalid_body",
      paths: ["clientId"],
    },
    {
      what: "message: blank body",
      method: "POST",
      url: "/channels/:channelId/messages",
      body: { body: "   ", clientId: "z" },
      status: 400,
      code: "invalid_body",
      paths: ["body"],
    },
    {
      what: "message: body too long",
      method: "POST",
      url: "/channels/:channelId/messages",
      body: { body: long(4001), clientId: "z" },
      status: 400,
      code: "invalid_body",
      paths: ["body"],
    },
    {
      what: "message: clientId too long",
      method: "POST",
      url: "/channels/:channelId/messages",
      body: { body: "x", clientId: long(65) },
      status: 400,
      code: "invalid_body",
      paths: ["clientId"],
    },
    {
      what: "message: unknown field",
      method: "POST",
      url: "/channels/:channelId/messages",
      body: { body: "x", clientId: "z", kind: "system" },
      status: 400,
      code: "invalid_body",
      paths: ["kind"],
    },
    {
      what: "message: body wrong type",
      method: "POST",
      url: "/channels/:channelId/messages",
      body: { body: { text: "x" }, clientId: "z" },
      status: 400,
      code: "invalid_body",
      paths: ["body"],
    },
  ];

  const json = { "content-type": "application/json" };
  const rawCases: Case[] = [
    {
      what: "invalid JSON",
      method: "POST",
      url: "/events",
      body: '{"name": ',
      headers: json,
      status: 400,
      code: "invalid_body",
    },
    {
      what: "invalid JSON on register",
      method: "POST",
      url: "/auth/register",
      body: "{username:'x'}",
      headers: json,
      anonymous: true,
      status: 400,
      code: "invalid_body",
    },
    {
      what: "JSON null",
      method: "POST",
      url: "/events",
      body: "null",
      headers: json,
      status: 400,
      code: "invalid_body",
    },
    {
      what: "JSON array",
      method: "POST",
      url: "/events",
      body: '[{"name":"n"}]',
      headers: json,
      status: 400,
      code: "invalid_body",
    },
    {
      what: "JSON string",
      method: "POST",
      url: "/events",
      body: '"n"',
      headers: json,
      status: 400,
      code: "invalid_body",
    },
    {
      what: "empty JSON body",
      method: "POST",
      url: "/events",
      body: "",
      headers: json,
      status: 400,
      code: "invalid_body",
    },
    { what: "missing body", method: "POST", url: "/events", status: 400, code: "invalid_body" },
    {
      what: "__proto__ key",
      method: "POST",
      url: "/events",
      body: '{"name":"n","__proto__":{"admin":true}}',
      headers: json,
      status: 400,
      code: "invalid_body",
    },
    {
      what: "constructor.prototype key",
      method: "POST",
      url: "/events",
      body: '{"name":"n","constructor":{"prototype":{"admin":true}}}',
      headers: json,
      status: 400,
      code: "invalid_body",
    },
    {
      what: "text/plain",
      method: "POST",
      url: "/events",
      body: '{"name":"n"}',
      headers: { "content-type": "text/plain" },
      status: 415,
      code: "unsupported_media_type",
    },
    {
      what: "application/xml",
      method: "POST",
      url: "/events",
      body: "<name>n</name>",
      headers: { "content-type": "application/xml" },
      status: 415,
      code: "unsupported_media_type",
    },
    {
      what: "form-encoded",
      method: "POST",
      url: "/auth/login",
      body: "login=a&password=b",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      anonymous: true,
      status: 415,
      code: "unsupported_media_type",
    },
    {
      what: "body over 64 KiB",
      method: "POST",
      url: "/channels/:channelId/messages",
      body: JSON.stringify({ body: long(70_000), clientId: "big" }),
      headers: json,
      status: 413,
      code: "payload_too_large",
    },
    // Path ids
    {
      what: "event id not a UUID",
      method: "GET",
      url: "/events/not-a-uuid",
      status: 400,
      code: "invalid_params",
      paths: ["eventId"],
    },
    {
      what: "event member id not a UUID",
      method: "DELETE",
      url: "/events/:eventId/members/123",
      status: 400,
      code: "invalid_params",
      paths: ["userId"],
    },
    {
      what: "channel id not a UUID (PATCH)",
      method: "PATCH",
      url: "/channels/xyz",
      body: { name: "n" },
      status: 400,
      code: "invalid_params",
      paths: ["channelId"],
    },
    {
      what: "channel id SQL-ish",
      method: "DELETE",
      url: "/channels/1%27%20OR%201=1",
      status: 400,
      code: "invalid_params",
      paths: ["channelId"],
    },
    {
      what: "recording id not a UUID",
      method: "GET",
      url: "/recordings/abc",
      status: 400,
      code: "invalid_params",
      paths: ["recordingId"],
    },
    {
      what: "malformed percent-encoding in a path id",
      method: "GET",
      url: "/events/%E0%A4%A",
      unroutable: true,
      status: 400,
      code: "invalid_params",
    },
    {
      what: "malformed percent-encoding in a query",
      method: "GET",
      url: "/channels/:channelId/messages?limit=%zz",
      status: 400,
      code: "invalid_query",
    },
    // Queries
    {
      what: "limit 0",
      method: "GET",
      url: "/channels/:channelId/messages?limit=0",
      status: 400,
      code: "invalid_query",
      paths: ["limit"],
    },
    {
      what: "limit 201",
      method: "GET",
      url: "/channels/:channelId/messages?limit=201",
      status: 400,
      code: "invalid_query",
      paths: ["limit"],
    },
    {
      what: "limit not a number",
      method: "GET",
      url: "/channels/:channelId/messages?limit=ten",
      status: 400,
      code: "invalid_query",
      paths: ["limit"],
    },
    {
      what: "negative before",
      method: "GET",
      url: "/channels/:channelId/messages?before=-1",
      status: 400,
      code: "invalid_query",
      paths: ["before"],
    },
    {
      what: "fractional after",
      method: "GET",
      url: "/channels/:channelId/messages?after=1.5",
      status: 400,
      code: "invalid_query",
      paths: ["after"],
    },
    {
      what: "before and after",
      method: "GET",
      url: "/channels/:channelId/messages?before=5&after=1",
      status: 400,
      code: "invalid_query",
    },
    {
      what: "unknown query parameter",
      method: "GET",
      url: "/channels/:channelId/messages?sort=desc",
      status: 400,
      code: "invalid_query",
      paths: ["sort"],
    },
    {
      what: "repeated limit",
      method: "GET",
      url: "/channels/:channelId/messages?limit=1&limit=2",
      status: 400,
      code: "invalid_query",
    },
    // Routes and methods that do not exist
    { what: "unknown route", method: "GET", url: "/api/v1/nothing-here", status: 404, code: "not_found" },
    {
      what: "unknown method",
      method: "PUT",
      url: "/events/:eventId",
      body: { name: "n" },
      status: 405,
      code: "method_not_allowed",
    },
  ];

  it.each([...bodyCases, ...rawCases].map((c) => [c.what, c] as const))(
    "%s → 4xx problem+json",
    async (_what, c) => {
      expectProblem(await send(c), c);
    },
  );

  it("every bad request together changed nothing", async () => {
    const before = await snapshot();
    const results = [];
    for (const c of [...bodyCases, ...rawCases]) results.push(await send(c));
    for (const r of results) expect(r.status).toBeLessThan(500);
    expect(await snapshot()).toEqual(before);
    // No account was created by the bad registrations.
    const login = await t.api.post("/auth/login", { login: register.username, password: register.password });
    expect(login.status).toBe(401);
    // The prototype of plain objects is untouched.
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
  });

  it("authentication comes before the body: anonymous bad requests are 401, not 400", async () => {
    for (const c of [...bodyCases, ...rawCases].filter(
      // 404 and 405 name no route, so there is nothing to authenticate for (the methods a path
      // serves are public in the OpenAPI document).
      (c) => !c.anonymous && !c.unroutable && c.status !== 404 && c.status !== 405,
    )) {
      const res = await send({ ...c, anonymous: true });
      expectProblem(res, { what: `anonymous ${c.what}`, status: 401, code: "unauthenticated" });
    }
    expectProblem(
      await t.api.req("POST", "/events", {
        body: '{"name": ',
        headers: { ...json, authorization: "Bearer x" },
      }),
      { what: "bad token, bad JSON", status: 401, code: "invalid_token" },
    );
  });

  it("the good twins of the bad requests succeed (so the failures above are about the data)", async () => {
    const ok = [
      await t.api.post(
        "/events",
        { name: "n", startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-01-02T00:00:00Z" },
        U.token,
      ),
      await t.api.patch("/me", { displayName: "Fine" }, U.token),
      await t.api.get(`/channels/${channelId}/messages?limit=200&before=5`, U.token),
      await t.api.req("POST", "/channels", { token: U.token, body: '{"name":"n"}', headers: json }),
      await t.api.req("POST", "/channels", {
        token: U.token,
        body: '{"name":"n"}',
        headers: { "content-type": "application/json; charset=utf-8" },
      }),
    ];
    expect(ok.map((r) => r.status)).toEqual([201, 200, 200, 201, 201]);
  });

  describe("service routes", () => {
    it("/healthz and /readyz", async () => {
      const health = await t.api.get("/healthz");
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: "ok" });
      const ready = await t.api.get("/readyz");
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: "ready", database: true, broker: true });
    });

    it("/openapi.json is an OpenAPI document with the contract's paths", async () => {
      const res = await t.api.get("/openapi.json");
      expect(res.status).toBe(200);
      expect(String(res.headers["content-type"])).toMatch(/json/);
      const doc = typeof res.body === "string" ? JSON.parse(res.body) : res.body;
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.servers).toEqual([expect.objectContaining({ url: "/api/v1" })]);
      const paths = Object.keys(doc.paths);
      for (const p of [
        "/auth/register",
        "/auth/login",
        "/auth/refresh",
        "/auth/logout",
        "/me",
        "/events",
        "/events/{eventId}",
        "/events/{eventId}/invite-code",
        "/events/{eventId}/members",
        "/events/{eventId}/members/{userId}",
        "/channels",
        "/channels/{channelId}",
        "/channels/{channelId}/invite-code",
        "/channels/{channelId}/members",
        "/channels/{channelId}/members/{userId}",
        "/channels/{channelId}/presence",
        "/channels/{channelId}/messages",
        "/join",
        "/recordings/{recordingId}",
      ])
        expect(paths).toContain(p);
      expect(Object.keys(doc.paths["/events/{eventId}"]).sort()).toEqual(["delete", "get", "patch"]);
      const register = doc.paths["/auth/register"].post;
      expect(register.requestBody.content["application/json"].schema.properties).toHaveProperty("username");
    });

    it("/docs serves the API browser", async () => {
      const res = await t.api.get("/docs");
      expect(res.status).toBe(200);
      expect(String(res.headers["content-type"])).toMatch(/text\/html/);
    });
  });
});
