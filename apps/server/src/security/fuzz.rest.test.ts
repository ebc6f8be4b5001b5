/**
 * Hostile REST input, property-based: request bodies of every body-taking
 * route, the history query string, and path ids of every id-bearing route, FUZZ_RUNS cases each
 * (10,000 by default) on the production path (MariaDB + Redis), through inject().
 *
 * Invariants, per case: no 5xx; every error is problem+json with a catalogued code whose status
 * is the HTTP status; a 2xx body matches the contract schema; a rejected request changes nothing
 * (row counts and the fixture's mutable state, one query). Per run: the process still answers
 * /healthz, the heap grew less than HEAP_GROWTH_MAX, Object.prototype is untouched.
 */
import {
  API_PREFIX,
  AuthResult,
  Channel,
  type ErrorCode,
  Event,
  EventWithChannels,
  encodeAudioFrame,
  errorCodesOf,
  History,
  JoinResult,
  Me,
  Member,
  Message,
  matchesPath,
  type RouteDef,
  TokenPair,
  routes as tableRoutes,
} from "@won/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import {
  createBacking,
  eventually,
  type Res,
  startApp,
  type TestApp,
  type TestUser,
} from "../test/harness.js";
import {
  type FingerprintOf,
  FUZZ_RUNS,
  FUZZ_SEED,
  FUZZ_TIMEOUT_MS,
  fingerprint,
  HEAP_GROWTH_MAX,
  healthy,
  heapUsed,
  OPUS_20MS,
  Probe,
  problemViolation,
  prototypePolluted,
} from "./support.js";

// ------------------------------------------------------------------------------- arbitraries

/** Strings that have broken parsers, databases and templating somewhere. */
const NASTY = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "\u202e\u0041",
  "\ufeff",
  "😀".repeat(40),
  "é".normalize("NFD"),
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style payload, on purpose
  "${jndi:ldap://x/a}",
  "{{7*7}}",
  "../../../etc/passwd",
  "%00",
  "%zz",
  "\r\nX-Injected: 1",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "9007199254740993",
  "0x10",
  "__proto__",
  "constructor",
  "null",
  "a".repeat(257),
  "a".repeat(4_001),
  "b".repeat(20_000),
] as const;

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((n) => "x".repeat(n)) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(0, -1, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const HOSTILE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "",
  "role",
  "isAdmin",
];
const extraKeys = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 })), hostileValue),
  { maxLength: 3 },
);

/** A JSON object with own (enumerable) keys, `__proto__` included, as JSON.stringify sees them. */
function withKeys(base: Record<string, unknown>, extra: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of [...Object.entries(base), ...extra])
    Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true, writable: true });
  return o;
}

/** A near-valid body: each field valid or hostile or missing, plus hostile extra keys. */
function nearValid(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const record = fc.record(
    Object.fromEntries(
      Object.entries(fields).map(([k, valid]) => [
        k,
        fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostileValue }),
      ]),
    ),
    { requiredKeys: [] },
  );
  return fc.tuple(record, extraKeys).map(([base, extra]) => withKeys(base, extra));
}

/** Raw bodies: broken JSON, pollution payloads, deep nesting, non-objects. */
const RAW_BODIES = [
  "",
  "{",
  '{"a":',
  "[]",
  "null",
  "0",
  '"string"',
  "{}}",
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"a":1,"a":2}',
  `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
  `{"x":${"[".repeat(5_000)}${"]".repeat(5_000)}}`,
  '{"body":"\\ud800","clientId":"x"}',
  "\ufeff{}",
  `{"k":"${"y".repeat(66_000)}"}`,
];

/** Percent-encodes as a browser would: UTF-8, lone surrogates as U+FFFD (encodeURIComponent throws). */
const pct = (s: string) =>
  [...Buffer.from(s, "utf8")]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");

type Body = { kind: "json"; value: unknown } | { kind: "raw"; text: string };

function bodyArb(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 6, arbitrary: nearValid(fields).map((value) => ({ kind: "json" as const, value })) },
    {
      weight: 1,
      arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: "json" as const, value })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constantFrom(...RAW_BODIES), fc.string({ maxLength: 60 }))
        .map((text) => ({ kind: "raw" as const, text })),
    },
  );
}

const OTHER_CONTENT_TYPES = [
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/json; charset=utf-16",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/problem+json",
  "",
];

/** Mostly JSON, so most cases get past the content-type check into validation and handlers. */
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant("application/json") },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_CONTENT_TYPES) },
);

// ----------------------------------------------------------------------------- the suite

interface Fixture {
  t: TestApp;
  /** Caller of every route but logout: organiser of `event`, admin of `standalone`. */
  owner: TestUser;
  /** A participant of `event`: target of member changes (the body fuzz may promote it). */
  member: TestUser;
  /** A participant of `event` nobody changes: caller of path fuzzing, so nothing it reaches
   *  can be destroyed (were it `member`, a promotion by the body fuzz would let it delete). */
  prober: TestUser;
  /** Caller of logout cases; re-logged-in whenever a case logs it out. */
  leaver: TestUser;
  eventId: string;
  channelId: string;
  /** An event of someone else, whose code joining may hit. */
  foreignCode: string;
  /** A recording in the channel, for the Range header target. */
  recordingId: string;
  recordingBytes: number;
  fp: FingerprintOf;
}

describe("REST fuzzing (production)", () => {
  let fx: Fixture;
  let pathTemplates: [string, string, unknown?][] = [];

  beforeAll(async () => {
    // One owner creates an event or channel for every valid body: per-user creation limits would
    // turn all but the first few into 409 and leave the success path unfuzzed.
    const t = await startApp(
      await createBacking("production", { MAX_EVENTS_PER_USER: "0", MAX_CHANNELS_PER_USER: "0" }),
    );
    const [owner, member, leaver, stranger, prober] = await Promise.all([
      t.api.user(),
      t.api.user(),
      t.api.user(),
      t.api.user(),
      t.api.user(),
    ]);
    const ev = await t.api.post("/events", { name: "Fuzz" }, owner.token);
    const ch = await t.api.post("/channels", { name: "Fuzz", eventId: ev.body.id }, owner.token);
    for (const who of [member, prober]) await t.api.post("/join", { code: ev.body.inviteCode }, who.token);
    const foreign = await t.api.post("/events", { name: "Foreign" }, stranger.token);
    for (let i = 0; i < 60; i++)
      await t.api.post(
        `/channels/${ch.body.id}/messages`,
        { body: `m${i}`, clientId: `seed-${i}` },
        owner.token,
      );
    // A 600 ms recording: the owner transmits 30 frames.
    const speaker = await Probe.connect(t.wsUrl, owner.token);
    speaker.sendText(JSON.stringify({ type: "subscribe", channelId: ch.body.id }));
    speaker.sendText(JSON.stringify({ type: "ptt.start", channelId: ch.body.id }));
    await speaker.until(() => speaker.inbox.some((m) => m.type === "ptt.granted"), 5_000, "granted");
    const streamId = speaker.inbox.find((m) => m.type === "ptt.granted")!.streamId as number;
    for (let i = 0; i < 30; i++) speaker.sendBinary(encodeAudioFrame(streamId, i, OPUS_20MS, i === 29));
    const recording = await eventually<{ id: string }>(
      async () => {
        const h = await t.api.get(`/channels/${ch.body.id}/messages?limit=200`, owner.token);
        return (h.body.messages as { recording?: { id: string } }[]).find((m) => m.recording)?.recording as {
          id: string;
        };
      },
      10_000,
      "the recording",
    );
    await speaker.close();
    const file = await t.app.fastify.inject({
      method: "GET",
      url: `/api/v1/recordings/${recording.id}`,
      headers: { authorization: `Bearer ${owner.token}` },
    });
    fx = {
      recordingId: recording.id,
      recordingBytes: file.rawPayload.length,
      t,
      owner,
      member,
      prober,
      leaver,
      eventId: ev.body.id,
      channelId: ch.body.id,
      foreignCode: foreign.body.inviteCode,
      fp: {
        users: [owner.id, member.id, prober.id, leaver.id],
        events: [ev.body.id],
        channels: [ch.body.id],
      },
    };
  });

  afterAll(async () => {
    await fx?.t.close();
  });

  /** Runs one property with the per-case and per-run invariants. */
  /**
   * Runs one property with the per-case and per-run invariants. The state fingerprint is taken
   * after every case that could change state (`readOnly` says a case could not: GET).
   */
  async function run<T>(
    arb: fc.Arbitrary<T>,
    send: (input: T) => Promise<{ res: Res; schema?: ZodType; readOnly?: boolean }>,
  ) {
    const heapBefore = heapUsed();
    let before = await fingerprint(fx.t.app, fx.fp);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(arb, async (input) => {
        const { res, schema, readOnly } = await send(input);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const violation = problemViolation(res);
        if (violation) throw new Error(violation);
        if (res.status < 300 && schema && res.status !== 204) {
          const parsed = schema.safeParse(res.body);
          if (!parsed.success)
            throw new Error(`2xx body off contract: ${parsed.error.message.slice(0, 300)}`);
        }
        if (readOnly) return;
        const after = await fingerprint(fx.t.app, fx.fp);
        if (res.status >= 400 && after !== before)
          throw new Error(`rejected with ${res.status} but state changed:\n${before}\n${after}`);
        before = after;
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
    expect(await fingerprint(fx.t.app, fx.fp)).toBe(before);
    expect(await healthy(fx.t)).toBe(true);
    expect(prototypePolluted()).toBeNull();
    const growth = heapUsed() - heapBefore;
    expect(growth).toBeLessThan(HEAP_GROWTH_MAX);
    return statuses;
  }

  const inject = async (
    method: string,
    url: string,
    body: Body | undefined,
    token?: string,
    type?: string,
  ) => {
    const payload =
      body === undefined ? undefined : body.kind === "raw" ? body.text : JSON.stringify(body.value);
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload !== undefined && type) headers["content-type"] = type;
    const res = await fx.t.app.fastify.inject({ method: method as "POST", url, headers, payload });
    const text = res.body;
    let parsed: unknown = text;
    if (String(res.headers["content-type"] ?? "").includes("json") && text) parsed = JSON.parse(text);
    const out = { status: res.statusCode, body: parsed, headers: res.headers } as Res;
    const off = undocumented(method, url, out);
    if (off) throw new Error(off);
    return out;
  };

  /**
   * What the OpenAPI document promises, checked on every answer as an outside fuzzer reading it
   * would: a success status the route's table entry names, or an error code among the route's
   * documented ones (`errorCodesOf`, which the document's responses are generated from). Paths no
   * route takes (the path fuzz makes some) are the fallbacks' business, checked elsewhere.
   */
  function undocumented(method: string, url: string, res: Res): string | null {
    // The path as it reached the router: inject() resolves dot segments as URL parsers do.
    const resolved = new URL(url, "http://fuzz.test").pathname;
    const path = resolved.slice(API_PREFIX.length);
    const route = (Object.values(tableRoutes) as RouteDef[]).find(
      (r) => r.method === method && resolved.startsWith(API_PREFIX) && matchesPath(r, path),
    );
    if (!route) return null;
    if (res.status < 300)
      return res.status === route.status || route.alsoStatus?.[res.status] !== undefined
        ? null
        : `${method} ${url} answered ${res.status}, which ${route.operationId} does not document`;
    const code = (res.body as { code?: ErrorCode } | null)?.code;
    return code && errorCodesOf(route).includes(code)
      ? null
      : `${method} ${url} answered ${res.status} ${code}, which ${route.operationId} does not document`;
  }

  const uname = fc.stringMatching(/^[a-z0-9_.-]{3,20}$/);
  const name = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), hostileString);
  const iso = fc
    .date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
    .map((d) => d.toISOString());

  it(
    `bodies of every body-taking route (${FUZZ_RUNS} cases)`,
    async () => {
      type Route = {
        method: string;
        url: () => string;
        caller: () => string | undefined;
        fields: Record<string, fc.Arbitrary<unknown>>;
        schema: ZodType;
      };
      const routes: Route[] = [
        {
          method: "POST",
          url: () => "/api/v1/auth/register",
          caller: () => undefined,
          fields: {
            username: uname,
            email: uname.map((u) => `${u}@example.test`),
            password: fc.string({ minLength: 8, maxLength: 20 }),
            displayName: name,
          },
          schema: AuthResult,
        },
        {
          method: "POST",
          url: () => "/api/v1/auth/login",
          caller: () => undefined,
          fields: {
            login: fc.constantFrom(fx.owner.username, `${fx.owner.username}@example.test`, "nobody"),
            password: fc.constantFrom("correct horse battery", "wrong password"),
          },
          schema: AuthResult,
        },
        {
          method: "POST",
          url: () => "/api/v1/auth/password-reset",
          caller: () => undefined,
          fields: {
            login: fc.constantFrom(fx.member.username, `${fx.member.username}@example.test`, "nobody"),
            code: fc.oneof(
              fc.stringMatching(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$/),
              name,
            ),
            password: fc.string({ minLength: 1, maxLength: 20 }),
          },
          schema: AuthResult,
        },
        {
          method: "POST",
          url: () => "/api/v1/auth/refresh",
          caller: () => undefined,
          fields: { refreshToken: fc.string({ minLength: 1, maxLength: 60 }) },
          schema: TokenPair,
        },
        {
          method: "POST",
          url: () => "/api/v1/auth/logout",
          caller: () => fx.leaver.token,
          fields: { refreshToken: fc.string({ minLength: 1, maxLength: 60 }) },
          schema: TokenPair,
        },
        {
          method: "PATCH",
          url: () => "/api/v1/me",
          caller: () => fx.owner.token,
          fields: { displayName: name },
          schema: Me,
        },
        {
          method: "POST",
          url: () => "/api/v1/events",
          caller: () => fx.owner.token,
          fields: { name, description: name, startsAt: iso, endsAt: iso },
          schema: Event,
        },
        {
          method: "PATCH",
          url: () => `/api/v1/events/${fx.eventId}`,
          caller: () => fx.owner.token,
          fields: { name, description: name, startsAt: iso, endsAt: iso },
          schema: EventWithChannels,
        },
        {
          method: "PATCH",
          url: () => `/api/v1/events/${fx.eventId}/members/${fx.member.id}`,
          caller: () => fx.owner.token,
          fields: { role: fc.constantFrom("organiser", "moderator", "participant", "admin", "member") },
          schema: Member,
        },
        {
          method: "POST",
          url: () => "/api/v1/channels",
          caller: () => fx.owner.token,
          fields: { name, description: name, eventId: fc.oneof(fc.constant(fx.eventId), fc.uuid()) },
          schema: Channel,
        },
        {
          method: "PATCH",
          url: () => `/api/v1/channels/${fx.channelId}`,
          caller: () => fx.owner.token,
          fields: { name, description: name },
          schema: Channel,
        },
        {
          method: "PATCH",
          url: () => `/api/v1/channels/${fx.channelId}/members/${fx.member.id}`,
          caller: () => fx.owner.token,
          fields: {
            role: fc.constantFrom("admin", "moderator", "member", "organiser"),
            canSpeak: fc.boolean(),
          },
          schema: Member,
        },
        {
          method: "POST",
          url: () => `/api/v1/channels/${fx.channelId}/messages`,
          caller: () => fx.owner.token,
          fields: { body: name, clientId: fc.string({ minLength: 1, maxLength: 70 }) },
          schema: Message,
        },
        {
          method: "POST",
          url: () => "/api/v1/join",
          caller: () => fx.member.token,
          fields: {
            code: fc.oneof(
              fc.constant(fx.foreignCode),
              fc.constant(fx.foreignCode.toLowerCase().replace(/(....)/, "$1-")),
              fc.stringMatching(/^[2-9A-HJ-NP-Z]{8}$/),
            ),
          },
          schema: JoinResult,
        },
      ];
      const arb = fc
        .nat({ max: routes.length - 1 })
        .chain((i) => fc.tuple(fc.constant(i), bodyArb(routes[i]!.fields), contentType));
      const statuses = await run(arb, async ([i, body, type]) => {
        const route = routes[i]!;
        const res = await inject(route.method, route.url(), body, route.caller(), type);
        if (route.url().endsWith("/logout") && res.status === 204) {
          // The leaver is logged out: log in again so the next logout case has a live session.
          const again = await fx.t.api.post("/auth/login", {
            login: fx.leaver.username,
            password: "correct horse battery",
          });
          fx.leaver = { ...fx.leaver, token: again.body.accessToken };
        }
        return { res, schema: route.schema };
      });
      console.info("body fuzz statuses", Object.fromEntries(statuses));
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `history query strings (${FUZZ_RUNS} cases)`,
    async () => {
      const key = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom("before", "after", "limit") },
        {
          weight: 1,
          arbitrary: fc.constantFrom("__proto__", "constructor", "limit[]", "before[x]", "", "LIMIT"),
        },
        { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
      );
      const value = fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: -5, max: 300 }).map(String) },
        { weight: 2, arbitrary: fc.constantFrom(...NASTY).filter((s) => s.length < 300) },
        { weight: 1, arbitrary: fc.double().map(String) },
        { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
      );
      const pair = fc.tuple(key, value, fc.boolean());
      const arb = fc.array(pair, { maxLength: 4 });
      const statuses = await run(arb, async (pairs) => {
        // Encoded or raw: raw text exercises the query parser's own decoding.
        const qs = pairs
          .map(([k, v, raw]) => (raw ? `${k}=${v}` : `${pct(k)}=${pct(v)}`))
          .join("&")
          .replace(/[\s#]/g, "");
        const res = await inject(
          "GET",
          `/api/v1/channels/${fx.channelId}/messages?${qs}`,
          undefined,
          fx.owner.token,
        );
        if (res.status === 200) {
          const seqs = (res.body as { messages: { seq: number }[] }).messages.map((m) => m.seq);
          if (seqs.length > 200) throw new Error(`${seqs.length} messages in one page`);
          if (seqs.some((s, j) => j > 0 && s <= seqs[j - 1]!)) throw new Error(`not ascending: ${seqs}`);
        } else if (res.status !== 400) throw new Error(`history answered ${res.status} for ?${qs}`);
        return { res, schema: History, readOnly: true };
      });
      console.info("query fuzz statuses", Object.fromEntries(statuses));
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `path ids of every id-bearing route (${FUZZ_RUNS} cases)`,
    async () => {
      // Real ids appear too, but the caller is a participant nobody promotes: nothing destructive is allowed.
      const templates: [string, string, unknown?][] = [
        ["GET", "/events/:e"],
        ["PATCH", "/events/:e", { name: "x" }],
        ["DELETE", "/events/:e"],
        ["POST", "/events/:e/invite-code"],
        ["GET", "/events/:e/members"],
        ["PATCH", "/events/:e/members/:u", { role: "organiser" }],
        ["DELETE", "/events/:e/members/:u"],
        ["POST", "/events/:e/members/:u/password-reset"],
        ["GET", "/channels/:c"],
        ["PATCH", "/channels/:c", { name: "x" }],
        ["DELETE", "/channels/:c"],
        ["POST", "/channels/:c/invite-code"],
        ["GET", "/channels/:c/members"],
        ["PATCH", "/channels/:c/members/:u", { canSpeak: false }],
        ["DELETE", "/channels/:c/members/:u"],
        ["GET", "/channels/:c/presence"],
        ["GET", "/channels/:c/messages"],
        ["POST", "/channels/:c/messages", { body: "x", clientId: "path-fuzz" }],
        ["GET", "/recordings/:r"],
      ];
      pathTemplates = templates;
      const segment = fc.oneof(
        { weight: 2, arbitrary: fc.uuid().map((s) => ({ s, raw: false })) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(fx.eventId, fx.channelId, fx.owner.id).map((s) => ({ s, raw: false })),
        },
        // At most 100 characters once encoded: longer params are the "unroutable paths" target.
        {
          weight: 2,
          arbitrary: hostileString
            .map((s) => ({ s, raw: false }))
            .filter((x) => pct(x.s).length <= 100 && x.s.length > 0),
        },
        {
          weight: 2,
          arbitrary: fc
            .constantFrom(
              "..",
              "%2e%2e",
              "%2F",
              "%00",
              "00000000-0000-0000-0000-000000000000",
              "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
              `${fx.channelId}%00`,
              `${fx.channelId}.json`,
              ";",
              "*",
              "a?b=c",
              "..%2F..%2Fadmin",
            )
            .map((s) => ({ s, raw: true })),
        },
      );
      const arb = fc.tuple(fc.nat({ max: templates.length - 1 }), segment, segment);
      const statuses = await run(arb, async ([i, a, b]) => {
        const [method, template, body] = templates[i]!;
        const enc = (x: { s: string; raw: boolean }) => (x.raw ? x.s : pct(x.s));
        const path = template.replace(/:[ecr]/, enc(a)).replace(":u", enc(b));
        const res = await inject(
          method,
          `/api/v1${path}`,
          body === undefined ? undefined : { kind: "json", value: body },
          fx.prober.token,
          "application/json",
        );
        if (method === "GET") return { res, readOnly: true };
        return { res };
      });
      console.info("path fuzz statuses", Object.fromEntries(statuses));
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `unroutable paths: malformed percent-encoding, over-long params (${FUZZ_RUNS} cases)`,
    async () => {
      // Bytes that are not valid percent-encoded UTF-8: truncated escapes, non-hex, overlongs,
      // encoded surrogates. The answer must still be problem+json (400), never Fastify's own shape.
      const bad = fc.oneof(
        fc.constantFrom(
          "%",
          "%z",
          "%zz",
          "%E0%A4%A",
          "%ED%A0%80",
          "%C0%AF",
          "%FF",
          "%F4%90%80%80",
          "%%",
          "%u0041",
        ),
        fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom("%", "%g0", "%C3")).map(([a, b]) => pct(a) + b),
        fc
          .tuple(fc.integer({ min: 101, max: 5_000 }), fc.string({ minLength: 1, maxLength: 3 }))
          .map(([n, s]) =>
            pct(s.repeat(n))
              .slice(0, n)
              .replace(/%[0-9A-F]?$/, ""),
          ),
      );
      const arb = fc.tuple(fc.nat({ max: Math.max(0, pathTemplates.length - 1) }), bad);
      await run(arb, async ([i, segment]) => {
        const [method, template] = pathTemplates[i] ?? ["GET", "/events/:e"];
        const path = template.replace(/:[ecr]/, segment).replace(":u", fx.member.id);
        return {
          res: await inject(method, `/api/v1${path}`, undefined, fx.prober.token),
          readOnly: method === "GET",
        };
      });
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `Range headers on a recording (${FUZZ_RUNS} cases)`,
    async () => {
      // RFC 9110 §14: one satisfiable range → 206 with exactly those bytes; unsatisfiable → 416
      // problem+json; anything else (malformed, multi-range) → 200 with the whole file.
      const n = fc.oneof(fc.nat(20_000), fc.constantFrom(0, 1, 2 ** 31, 2 ** 53, 1e21));
      const spec = fc.oneof(
        fc.tuple(n, n).map(([a, b]) => `${a}-${b}`),
        n.map((a) => `${a}-`),
        n.map((b) => `-${b}`),
        fc.constantFrom("-", "", "a-b", "-0", "0--1", " 0-1", "1-0", "00000000000000000000000001-2"),
      );
      const header = fc.oneof(
        {
          weight: 4,
          arbitrary: fc.array(spec, { minLength: 1, maxLength: 4 }).map((xs) => `bytes=${xs.join(",")}`),
        },
        {
          weight: 1,
          arbitrary: fc.array(spec, { minLength: 200, maxLength: 400 }).map((xs) => `bytes=${xs.join(",")}`),
        },
        {
          weight: 1,
          arbitrary: fc.oneof(
            fc.constantFrom("bytes", "bytes=", "items=0-1", "BYTES=0-1", "bytes = 0-1"),
            fc.string({ maxLength: 30 }),
          ),
        },
      );
      const url = `/api/v1/recordings/${fx.recordingId}`;
      const size = fx.recordingBytes;
      const statuses = await run(
        header.map((h) => h.replace(/[^\x20-\x7e]/g, "")),
        async (range) => {
          const res = await fx.t.app.fastify.inject({
            method: "GET",
            url,
            headers: { authorization: `Bearer ${fx.owner.token}`, range },
          });
          const out: Res = {
            status: res.statusCode,
            headers: res.headers,
            body: String(res.headers["content-type"]).includes("json")
              ? JSON.parse(res.body)
              : res.rawPayload,
          };
          if (res.statusCode === 206) {
            const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(res.headers["content-range"]));
            if (!m || Number(m[3]) !== size)
              throw new Error(`bad Content-Range ${res.headers["content-range"]} for ${range}`);
            if (res.rawPayload.length !== Number(m[2]) - Number(m[1]) + 1)
              throw new Error(`206 length mismatch for ${range}`);
          } else if (res.statusCode === 200) {
            if (res.rawPayload.length !== size)
              throw new Error(`200 with ${res.rawPayload.length} of ${size} bytes`);
          } else if (res.statusCode !== 416) throw new Error(`Range ${range} answered ${res.statusCode}`);
          return { res: out, readOnly: true };
        },
      );
      console.info("range fuzz statuses", Object.fromEntries(statuses));
    },
    FUZZ_TIMEOUT_MS,
  );
});
