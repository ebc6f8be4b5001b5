/**
 * Hostile access tokens, property-based, against an oracle: a token is
 * accepted iff it is a compact JWS signed HS256 with the server's secret, `typ` JWT, `iss`/`aud`
 * "operation-won", numeric `exp` in the future and `iat` not in the future (5 s skew), `nbf`
 * passed, string `sub`/`sid`/`jti`, its session not revoked and its user existing (RFC 8725).
 *
 * Generated: alg `none`, HS384/HS512 with the right secret, RS256 with a real RSA key (HS/RS
 * confusion both ways: RS256-signed, and HS256 keyed with the RSA public key PEM), wrong
 * secrets, expired, future `iat`/`nbf`, every claim missing or of the wrong type, wrong
 * `aud`/`iss`, a revoked session, a deleted-or-never user, tampered payloads and signatures,
 * garbage. REST: FUZZ_RUNS cases on GET /me (200 with the right user, or 401 problem+json);
 * socket: FUZZ_RUNS/10 cases on `auth` (`ready` for the same user, or close 4401).
 */
import { createHmac, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacking, startApp, TEST_JWT_SECRET, type TestApp, type TestUser } from "../test/harness.js";
import {
  FUZZ_RUNS,
  FUZZ_SEED,
  FUZZ_TIMEOUT_MS,
  HEAP_GROWTH_MAX,
  healthy,
  heapUsed,
  Probe,
  problemViolation,
  rowCounts,
} from "./support.js";

const AUD = "operation-won";
const SKEW_S = 5;
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const RSA_PUBLIC_PEM = rsa.publicKey.export({ type: "spki", format: "pem" }).toString();

type Key = "secret" | "wrongSecret" | "rsaPem" | "rsa" | "none";
interface Spec {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  key: Key;
  tamper: "none" | "payload" | "signature" | "truncate" | "extraSegment" | "garbage";
  garbage: string;
}

function signToken(spec: Spec): string {
  const head = b64(JSON.stringify(spec.header));
  const body = b64(JSON.stringify(spec.claims));
  const input = `${head}.${body}`;
  const alg = String(spec.header.alg);
  let sig = "";
  if (spec.key === "rsa") sig = sign("sha256", Buffer.from(input), rsa.privateKey).toString("base64url");
  else if (spec.key !== "none") {
    const secret =
      spec.key === "secret"
        ? TEST_JWT_SECRET
        : spec.key === "rsaPem"
          ? RSA_PUBLIC_PEM
          : `${TEST_JWT_SECRET}x`;
    const hash = alg === "HS384" ? "sha384" : alg === "HS512" ? "sha512" : "sha256";
    sig = createHmac(hash, secret).update(input).digest("base64url");
  }
  switch (spec.tamper) {
    case "payload":
      return `${head}.${b64(JSON.stringify({ ...spec.claims, sub: randomUUID() }))}.${sig}`;
    case "signature":
      return `${input}.${sig ? (sig[0] === "A" ? "B" : "A") + sig.slice(1) : "AAAA"}`;
    case "truncate":
      return `${input}.${sig.slice(0, Math.floor(sig.length / 2))}`;
    case "extraSegment":
      return `${input}.${sig}.${sig}`;
    case "garbage":
      return spec.garbage;
    default:
      return `${input}.${sig}`;
  }
}

/** The oracle: would a correct verifier accept this token, and as whom? */
function expectedUser(spec: Spec, revoked: Set<string>, users: Set<string>, now: number): string | null {
  if (spec.tamper !== "none" || spec.key !== "secret") return null;
  const { header: h, claims: c } = spec;
  if (h.alg !== "HS256") return null;
  if (typeof h.typ !== "string" || !["jwt", "application/jwt"].includes(h.typ.toLowerCase())) return null;
  // Unknown critical extensions are refused; `b64` outside `crit` is ignored (RFC 7797 §6).
  if (h.crit !== undefined) return null;
  for (const k of ["exp", "iat", "jti", "sub", "sid", "iss", "aud"]) if (!Object.hasOwn(c, k)) return null;
  if (c.iss !== AUD) return null;
  if (!(c.aud === AUD || (Array.isArray(c.aud) && c.aud.includes(AUD)))) return null;
  if (typeof c.iat !== "number" || c.iat > now + SKEW_S) return null;
  if (c.nbf !== undefined && (typeof c.nbf !== "number" || c.nbf > now + SKEW_S)) return null;
  if (typeof c.exp !== "number" || c.exp <= now - SKEW_S) return null;
  if (typeof c.sub !== "string" || typeof c.sid !== "string" || typeof c.jti !== "string") return null;
  if (revoked.has(c.sid)) return null;
  if (!users.has(c.sub)) return null;
  return c.sub;
}

describe("JWT fuzzing (production)", () => {
  let t: TestApp;
  let alice: TestUser;
  let liveSid: string;
  let revokedSid: string;
  const users = new Set<string>();
  const revoked = new Set<string>();

  beforeAll(async () => {
    t = await startApp(await createBacking("production"));
    alice = await t.api.user();
    users.add(alice.id);
    liveSid = JSON.parse(Buffer.from(alice.token.split(".")[1]!, "base64url").toString()).sid;
    const other = await t.api.post("/auth/login", {
      login: alice.username,
      password: "correct horse battery",
    });
    revokedSid = JSON.parse(Buffer.from(other.body.accessToken.split(".")[1]!, "base64url").toString()).sid;
    expect((await t.api.post("/auth/logout", undefined, other.body.accessToken)).status).toBe(204);
    revoked.add(revokedSid);
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Times, as offsets in seconds from now, kept clear of the ±5 s skew boundaries. */
  const offset = fc.oneof(
    fc.integer({ min: -10 * 365 * 86_400, max: -30 }),
    fc.integer({ min: 30, max: 10 * 365 * 86_400 }),
  );
  const wrongType = fc.constantFrom<unknown>(null, true, "123", [], {}, 1.5e300, -1, "", [AUD]);

  const specArb = (now: () => number): fc.Arbitrary<Spec> => {
    const claim = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof(
        { weight: 40, arbitrary: valid.map((v) => ({ v })) },
        { weight: 1, arbitrary: fc.constant(null) }, // missing
        { weight: 1, arbitrary: wrongType.map((v) => ({ v })) },
      );
    const claims = fc
      .record({
        iss: claim(
          fc.oneof(
            { weight: 12, arbitrary: fc.constant(AUD) },
            { weight: 1, arbitrary: fc.constantFrom("Operation-Won", "evil", "") },
          ),
        ),
        aud: claim(
          fc.oneof(
            { weight: 12, arbitrary: fc.constant<unknown>(AUD) },
            {
              weight: 1,
              arbitrary: fc.constantFrom<unknown>([AUD, "x"], ["x"], "operation-won-admin", "OPERATION-WON"),
            },
          ),
        ),
        sub: claim(
          fc.oneof({ weight: 12, arbitrary: fc.constant(alice.id) }, { weight: 1, arbitrary: fc.uuid() }),
        ),
        sid: claim(
          fc.oneof(
            { weight: 12, arbitrary: fc.constant(liveSid) },
            { weight: 2, arbitrary: fc.constant(revokedSid) },
            { weight: 1, arbitrary: fc.uuid() },
          ),
        ),
        jti: claim(fc.uuid()),
        iat: claim(
          fc
            .oneof(
              { weight: 5, arbitrary: fc.integer({ min: -3_600, max: -30 }) },
              { weight: 2, arbitrary: offset },
            )
            .map((o) => now() + o),
        ),
        exp: claim(
          fc
            .oneof(
              { weight: 5, arbitrary: fc.integer({ min: 60, max: 3_600 }) },
              { weight: 2, arbitrary: offset },
            )
            .map((o) => now() + o),
        ),
        nbf: fc.option(
          offset.map((o) => ({ v: now() + o })),
          { freq: 5 },
        ),
        role: fc.option(fc.constantFrom({ v: "admin" }, { v: { isAdmin: true } }), { freq: 5 }),
      })
      .map((r) => {
        const o: Record<string, unknown> = {};
        for (const [k, w] of Object.entries(r)) if (w) o[k] = (w as { v: unknown }).v;
        return o;
      });
    const header = fc
      .record({
        alg: fc.oneof(
          { weight: 16, arbitrary: fc.constant("HS256") },
          {
            weight: 2,
            arbitrary: fc.constantFrom(
              "none",
              "None",
              "HS384",
              "HS512",
              "RS256",
              "ES256",
              "PS256",
              "hs256",
              "",
            ),
          },
        ),
        typ: fc.oneof(
          { weight: 16, arbitrary: fc.constant<unknown>("JWT") },
          {
            weight: 1,
            arbitrary: fc.constantFrom<unknown>(undefined, "jwt", "application/jwt", "at+jwt", "JWS", 1),
          },
        ),
        extra: fc.option(
          fc.constantFrom(
            { kid: "../../etc/passwd" },
            { jku: "http://evil/jwks" },
            { crit: ["exp"] },
            { b64: false },
            { jwk: { kty: "oct", k: "AAAA" } },
          ),
          { freq: 6 },
        ),
      })
      .map(({ alg, typ, extra }) => ({ alg, ...(typ !== undefined ? { typ } : {}), ...(extra ?? {}) }));
    const key = fc.oneof(
      { weight: 20, arbitrary: fc.constant<Key>("secret") },
      { weight: 1, arbitrary: fc.constantFrom<Key>("wrongSecret", "rsaPem", "rsa", "none") },
    );
    const tamper = fc.oneof(
      { weight: 20, arbitrary: fc.constant<Spec["tamper"]>("none") },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Spec["tamper"]>(
          "payload",
          "signature",
          "truncate",
          "extraSegment",
          "garbage",
        ),
      },
    );
    const garbage = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        "",
        ".",
        "..",
        "a.b.c",
        "eyJhbGciOiJub25lIn0..",
        "x".repeat(5_000),
        "Bearer x",
        "😀.😀.😀",
        "null",
      ),
    );
    return fc.record({ header, claims, key, tamper, garbage }).map((s) => {
      // alg RS256 really signed with RSA, so both directions of the confusion are exercised.
      if (s.key === "rsa") s.header.alg = "RS256";
      if (s.key === "none") s.header.alg = "none";
      return s;
    });
  };

  it(
    `GET /me with hostile bearer tokens (${FUZZ_RUNS} cases)`,
    async () => {
      const counts = await rowCounts(t.app);
      const heapBefore = heapUsed();
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(
          specArb(() => Math.floor(Date.now() / 1000)),
          async (spec) => {
            // Header values are visible ASCII on the wire (RFC 9110 §5.5); Node refuses the rest.
            const token = signToken(spec).replace(/[^\x21-\x7e]/g, "");
            const want = expectedUser(spec, revoked, users, Math.floor(Date.now() / 1000));
            const res = await t.api.req("GET", "/me", { headers: { authorization: `Bearer ${token}` } });
            const violation = problemViolation(res);
            if (violation) throw new Error(violation);
            if (want) {
              if (res.status !== 200 || res.body.id !== want)
                throw new Error(`valid token refused: ${res.status} ${JSON.stringify(res.body)} ${token}`);
              accepted++;
            } else if (res.status !== 401 || res.body.code !== "invalid_token") {
              throw new Error(`invalid token answered ${res.status}: ${JSON.stringify(spec)} ${token}`);
            }
          },
        ),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
      );
      console.info(`JWT REST fuzz: ${accepted} of ${FUZZ_RUNS} tokens were valid and accepted`);
      expect(accepted).toBeGreaterThan(0);
      expect(await rowCounts(t.app)).toEqual(counts);
      expect(await healthy(t)).toBe(true);
      expect(heapUsed() - heapBefore).toBeLessThan(HEAP_GROWTH_MAX);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `socket auth with hostile tokens (${Math.ceil(FUZZ_RUNS / 10)} cases)`,
    async () => {
      const heapBefore = heapUsed();
      await fc.assert(
        fc.asyncProperty(
          specArb(() => Math.floor(Date.now() / 1000)),
          async (spec) => {
            const token = signToken(spec);
            const want = expectedUser(spec, revoked, users, Math.floor(Date.now() / 1000));
            const p = await Probe.open(t.wsUrl);
            try {
              p.sendText(JSON.stringify({ type: "auth", token }));
              await p.until(
                () => p.inbox.some((m) => m.type === "ready" || m.type === "error"),
                5_000,
                "auth answer",
              );
              if (p.violation) throw new Error(p.violation);
              const ready = p.inbox.find((m) => m.type === "ready") as { user?: { id: string } } | undefined;
              if (want) {
                if (!ready || ready.user?.id !== want)
                  throw new Error(`valid token refused on the socket: ${JSON.stringify(p.closed)}`);
              } else if (ready) {
                throw new Error(`socket accepted an invalid token: ${JSON.stringify(spec)}`);
              } else if (p.closed?.code !== 4401 && !(token.length > 4096 || token.length === 0)) {
                // Tokens the schema rejects (empty, > 4096) get an `error`/4400; others must be 4401.
                throw new Error(
                  `closed ${JSON.stringify(p.closed)} / ${JSON.stringify(p.inbox)} instead of 4401`,
                );
              } else if (p.closed && ![4400, 4401].includes(p.closed.code)) {
                throw new Error(`undocumented close ${p.closed.code}`);
              }
            } finally {
              await p.close();
            }
          },
        ),
        { numRuns: Math.ceil(FUZZ_RUNS / 10), seed: FUZZ_SEED, endOnFailure: true },
      );
      expect(await healthy(t)).toBe(true);
      expect(heapUsed() - heapBefore).toBeLessThan(HEAP_GROWTH_MAX);
    },
    FUZZ_TIMEOUT_MS,
  );
});
