/**
 * Hostile socket input, property-based: text messages (known types with
 * hostile fields, unknown types, arbitrary JSON, junk) and binary frames (arbitrary bytes and
 * near-valid audio frames), FUZZ_RUNS cases each, on the production path (MariaDB + Redis).
 *
 * One socket serves many cases and is replaced before its rate budget runs out (the per-socket
 * limits are limits.test.ts's business). Each case is followed by a sentinel `unsubscribe` of a
 * fresh random channel id: messages are handled in order and frames on arrival, so once its
 * `unsubscribed` arrives, every reply to the case has arrived.
 *
 * Invariants, per case: every server message is in the contract; every `error` carries a
 * catalogued code; the socket closes only where the contract says (4401 for a bad `auth`, 1009
 * beyond 64 KiB); every message other than a well-formed `pong` gets an answer; no frame reaches
 * a listener. Per run: state unchanged, /healthz OK, heap bounded.
 */
import { randomUUID } from "node:crypto";
import { ClientMessage, ERRORS, LIMITS } from "@won/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowedPacketSamples } from "../audio/opus-packet.js";
import { createBacking, startApp, type TestApp, type TestUser } from "../test/harness.js";
import { sleep } from "../test/wait.js";
import {
  type FingerprintOf,
  FUZZ_RUNS,
  FUZZ_SEED,
  FUZZ_TIMEOUT_MS,
  fingerprint,
  HEAP_GROWTH_MAX,
  healthy,
  heapUsed,
  Probe,
} from "./support.js";

/** Text budget of a socket: 20/s with a burst of 60; frames: 75/s, burst 150 (connection.ts). */
const TEXT_BURST = 60;
const TEXT_RATE = 20;
const FRAME_BURST = 150;
const FRAME_RATE = 75;

/**
 * A socket for fuzzing that is swapped for a fresh one before it could be rate limited. It keeps
 * its own copy of the server's token buckets — refilled with time but never beyond the burst, as
 * the server's are — so a pause (a loaded machine not running this process) never makes it
 * believe in more budget than the socket has.
 */
class Rotating {
  private probe: Probe | null = null;
  private text = { tokens: 0, counted: 0 };
  private frames = { tokens: 0, counted: 0 };
  private lastAt = 0;
  sockets = 0;
  constructor(
    private readonly t: TestApp,
    private readonly token: string,
    private readonly prepare: (p: Probe) => Promise<void> = async () => undefined,
  ) {}

  async get(text: number, binary: number): Promise<Probe> {
    const p = this.probe;
    if (p) this.refill(p);
    if (!p || p.closed || this.text.tokens < text + 4 || this.frames.tokens < binary + 4) {
      await p?.close();
      this.probe = await Probe.connect(this.t.wsUrl, this.token);
      this.sockets++;
      this.text = { tokens: TEXT_BURST, counted: 0 };
      this.frames = { tokens: FRAME_BURST, counted: 0 };
      this.lastAt = performance.now();
      await this.prepare(this.probe);
      this.refill(this.probe);
    }
    return this.probe!;
  }

  /** Sends made since the last look are taken after the refill: never more than the server has. */
  private refill(p: Probe): void {
    const now = performance.now();
    const s = (now - this.lastAt) / 1000;
    this.lastAt = now;
    this.text.tokens =
      Math.min(TEXT_BURST, this.text.tokens + s * TEXT_RATE) - (p.textSent - this.text.counted);
    this.text.counted = p.textSent;
    this.frames.tokens =
      Math.min(FRAME_BURST, this.frames.tokens + s * FRAME_RATE) - (p.binarySent - this.frames.counted);
    this.frames.counted = p.binarySent;
  }

  async close(): Promise<void> {
    await this.probe?.close();
  }
}

/** Sends one case and the sentinel; returns the replies before the sentinel's answer. */
async function exchange(p: Probe, payload: string | Uint8Array) {
  p.inbox.length = 0;
  if (typeof payload === "string") p.sendText(payload);
  else p.sendBinary(payload);
  const sentinel = randomUUID();
  p.sendText(JSON.stringify({ type: "unsubscribe", channelId: sentinel }));
  const done = () => p.inbox.findIndex((m) => m.type === "unsubscribed" && m.channelId === sentinel);
  await p.until(() => done() >= 0, 10_000, "sentinel");
  const at = done();
  const replies = at >= 0 ? p.inbox.slice(0, at) : p.inbox.slice();
  p.inbox.length = 0;
  return { replies, closed: at < 0 ? p.closed : null };
}

function checkReplies(p: Probe, replies: { type: string; code?: unknown }[]) {
  if (p.violation) throw new Error(p.violation);
  for (const r of replies)
    if (r.type === "error" && !(typeof r.code === "string" && r.code in ERRORS))
      throw new Error(`error code ${String(r.code)} is not in the catalogue`);
}

const NASTY = [
  "",
  "\u0000",
  "\ud800",
  "😀".repeat(30),
  "' OR 1=1 --",
  "__proto__",
  "00000000-0000-0000-0000-000000000000",
  "a".repeat(5_000),
];
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...NASTY, null, true, -1, 2 ** 53, 1e308, 0.5, [], {}),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

describe("socket fuzzing (production)", () => {
  let t: TestApp;
  let owner: TestUser;
  let listenerUser: TestUser;
  let channelId: string;
  let foreignId: string;
  let fp: FingerprintOf;
  let listener: Probe;

  beforeAll(async () => {
    t = await startApp(await createBacking("production"));
    [owner, listenerUser] = await Promise.all([t.api.user(), t.api.user()]);
    const stranger = await t.api.user();
    const ch = await t.api.post("/channels", { name: "Fuzz" }, owner.token);
    channelId = ch.body.id;
    await t.api.post("/join", { code: ch.body.inviteCode }, listenerUser.token);
    foreignId = (await t.api.post("/channels", { name: "Foreign" }, stranger.token)).body.id;
    for (let i = 0; i < 30; i++)
      await t.api.post(`/channels/${channelId}/messages`, { body: `m${i}`, clientId: `s${i}` }, owner.token);
    fp = { users: [owner.id, listenerUser.id], events: [], channels: [channelId, foreignId] };
    listener = await Probe.connect(t.wsUrl, listenerUser.token);
    listener.sendText(JSON.stringify({ type: "subscribe", channelId }));
    await listener.until(() => listener.inbox.some((m) => m.type === "subscribed"), 5_000, "subscribed");
  });

  afterAll(async () => {
    await listener?.close();
    await t?.close();
  });

  async function invariantsAfter(before: string, heapBefore: number) {
    listener.inbox.length = 0;
    expect(listener.frames.length).toBe(0);
    expect(listener.closed).toBeNull();
    expect(await healthy(t)).toBe(true);
    expect(await fingerprint(t.app, fp)).toBe(before);
    expect(heapUsed() - heapBefore).toBeLessThan(HEAP_GROWTH_MAX);
  }

  it(
    `text messages (${FUZZ_RUNS} cases)`,
    async () => {
      const channel = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(channelId, foreignId) },
        { weight: 2, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: hostile },
      );
      const field = <T>(valid: fc.Arbitrary<T>) =>
        fc.oneof({ weight: 4, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: hostile });
      const known = fc.oneof(
        fc.record(
          {
            type: fc.constant("subscribe"),
            channelId: channel,
            sinceSeq: field(fc.integer({ min: -2, max: 40 })),
          },
          { requiredKeys: ["type", "channelId"] },
        ),
        fc.record({ type: fc.constant("unsubscribe"), channelId: channel }, { requiredKeys: ["type"] }),
        fc.record(
          { type: fc.constant("ptt.start"), channelId: channel, priority: field(fc.boolean()) },
          { requiredKeys: ["type"] },
        ),
        fc.record({ type: fc.constant("ptt.stop"), channelId: channel }, { requiredKeys: ["type"] }),
        fc.record(
          {
            type: fc.constant("audio.late"),
            channelId: channel,
            streamId: fc.integer({ min: -1, max: 2 ** 32 }),
            lateMs: fc.integer({ min: -1, max: 70_000 }),
          },
          { requiredKeys: ["type"] },
        ),
        // A well-formed `auth` with a bad token closes the socket (4401): rarer, it costs a reconnect.
        fc.oneof(
          {
            weight: 1,
            arbitrary: fc.record({ type: fc.constant("auth"), token: field(fc.string({ maxLength: 50 })) }),
          },
          { weight: 4, arbitrary: fc.record({ type: fc.constant("ping") }) },
        ),
        fc.record({ type: fc.constantFrom("ping", "pong") }),
      );
      const withExtra = fc
        .tuple(known, fc.option(fc.tuple(fc.constantFrom("__proto__", "constructor", "x", "type"), hostile)))
        .map(([m, extra]) => {
          const o: Record<string, unknown> = { ...m };
          if (extra)
            Object.defineProperty(o, extra[0], { value: extra[1], enumerable: true, writable: true });
          return JSON.stringify(o);
        });
      const unknownType = fc
        .tuple(
          fc.oneof(
            fc.string({ maxLength: 20 }),
            fc.constantFrom(
              "AUTH",
              "subscribe ",
              "_access.revoked",
              "speaker.started",
              "message.created",
              "__proto__",
            ),
          ),
          fc.dictionary(fc.string({ maxLength: 5 }), hostile, { maxKeys: 3 }),
        )
        .map(([type, rest]) => JSON.stringify({ ...rest, type }));
      const junk = fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.constantFrom(
          "",
          "{",
          "null",
          "[]",
          '"auth"',
          '{"type":null}',
          '{"__proto__":{"type":"auth"}}',
          `${"[".repeat(10_000)}${"]".repeat(10_000)}`,
          `{"type":"ping","pad":"${"p".repeat(LIMITS.socketTextMax)}"}`,
        ),
      );
      const oversize = fc.constant(`{"type":"ping","pad":"${"p".repeat(LIMITS.socketFrameMax)}"}`);
      const arb = fc.oneof(
        { weight: 50, arbitrary: withExtra },
        { weight: 20, arbitrary: unknownType },
        { weight: 20, arbitrary: junk },
        { weight: 1, arbitrary: oversize },
      );

      const sock = new Rotating(t, owner.token);
      const before = await fingerprint(t.app, fp);
      const heapBefore = heapUsed();
      await fc.assert(
        fc.asyncProperty(arb, async (text) => {
          const p = await sock.get(2, 0);
          const { replies, closed } = await exchange(p, text);
          checkReplies(p, replies);
          const bytes = Buffer.byteLength(text);
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {}
          const msg = ClientMessage.safeParse(parsed);
          if (closed) {
            const allowed =
              (bytes > LIMITS.socketFrameMax && closed.code === 1009) ||
              (msg.success && msg.data.type === "auth" && closed.code === 4401);
            if (!allowed) throw new Error(`closed ${closed.code} ${closed.reason} on ${text.slice(0, 200)}`);
            return;
          }
          if (bytes > LIMITS.socketFrameMax) throw new Error("a frame over 64 KiB did not close the socket");
          if (msg.success && msg.data.type === "auth")
            throw new Error(`a bad auth token did not close the socket: ${text.slice(0, 100)}`);
          // A pong and a listener's report on a stream are never answered (the speaker may be told).
          const silent = msg.success && (msg.data.type === "pong" || msg.data.type === "audio.late");
          if (!silent && replies.length === 0) throw new Error(`no answer to ${text.slice(0, 200)}`);
          if (!msg.success && !replies.some((r) => r.type === "error"))
            throw new Error(`invalid message answered without an error: ${text.slice(0, 200)}`);
          // Leave no transmission running into the next case.
          if (msg.success && msg.data.type === "ptt.start")
            await exchange(p, JSON.stringify({ type: "ptt.stop", channelId: msg.data.channelId }));
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
      );
      console.info(`text fuzz used ${sock.sockets} sockets`);
      await sock.close();
      await invariantsAfter(before, heapBefore);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `binary frames (${FUZZ_RUNS} cases)`,
    async () => {
      const nearValid = fc
        .record({
          kind: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.nat(255) }),
          flags: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(0, 1) },
            { weight: 1, arbitrary: fc.nat(255) },
          ),
          streamId: fc.oneof(fc.constantFrom(0, 1, 0xffff_ffff), fc.nat({ max: 0xffff_ffff })),
          seq: fc.nat(0xffff),
          length: fc.oneof(fc.constantFrom(0, 1, 2, 1_275, 1_276, 2_000), fc.nat(1_300)),
        })
        .map(({ kind, flags, streamId, seq, length }) => {
          const b = Buffer.alloc(8 + length, 0xab);
          b[0] = kind;
          b[1] = flags;
          b.writeUInt32BE(streamId, 2);
          b.writeUInt16BE(seq, 6);
          return new Uint8Array(b);
        });
      const arb = fc.oneof(
        { weight: 60, arbitrary: nearValid },
        { weight: 30, arbitrary: fc.uint8Array({ maxLength: 1_400 }) },
        // Closes the socket (1009): rare, since every close costs a reconnect.
        { weight: 1, arbitrary: fc.constant(new Uint8Array(LIMITS.socketFrameMax + 1)) },
      );
      // The fuzzing socket is subscribed, so frames have somewhere they could leak to.
      const subscribe = async (p: Probe) => {
        p.sendText(JSON.stringify({ type: "subscribe", channelId }));
        await p.until(() => p.inbox.some((m) => m.type === "subscribed"), 5_000, "subscribed");
        p.inbox.length = 0;
      };
      const sock = new Rotating(t, owner.token, subscribe);
      const before = await fingerprint(t.app, fp);
      const heapBefore = heapUsed();
      const seen = { invalid_frame: 0, not_floor_holder: 0 };
      await fc.assert(
        fc.asyncProperty(arb, async (frame) => {
          const p = await sock.get(3, 1);
          const { replies, closed } = await exchange(p, frame);
          checkReplies(p, replies);
          // The contract's frame layout, checked independently of the server's codec.
          const wellFormed =
            frame.length >= 9 && frame.length <= 8 + 1_275 && frame[0] === 1 && (frame[1]! & ~1) === 0;
          if (closed) {
            if (frame.length > LIMITS.socketFrameMax && closed.code === 1009) return;
            throw new Error(`closed ${closed.code} ${closed.reason} on a ${frame.length}-byte frame`);
          }
          if (frame.length > LIMITS.socketFrameMax)
            throw new Error("a frame over 64 KiB did not close the socket");
          const codes = replies.map((r) => (r.type === "error" ? String(r.code) : r.type));
          for (const c of codes) {
            if (c !== "invalid_frame" && c !== "not_floor_holder") throw new Error(`unexpected reply ${c}`);
            seen[c]++;
          }
          if (!wellFormed && !codes.includes("invalid_frame"))
            throw new Error(
              `malformed frame not reported: ${Buffer.from(frame.subarray(0, 16)).toString("hex")}`,
            );
          if (wellFormed && codes.includes("invalid_frame"))
            throw new Error(
              `well-formed frame reported invalid: ${Buffer.from(frame.subarray(0, 16)).toString("hex")}`,
            );
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
      );
      console.info(`binary fuzz used ${sock.sockets} sockets; errors`, seen);
      await sock.close();
      await invariantsAfter(before, heapBefore);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `binary frames while holding the floor (${Math.ceil(FUZZ_RUNS / 5)} cases)`,
    async () => {
      // Near-valid frames of the stream the socket holds: the well-formed ones whose packet
      // declares an allowed duration reach the listener byte for byte and in order; malformed
      // frames are reported each time, packets of another duration once per stream, and both are
      // dropped. Garbage Opus inside such a frame goes to the recorder, which must neither crash
      // nor store junk.
      const own = await Probe.connect(t.wsUrl, owner.token);
      let streamId = 0;
      let reportedStream = 0;
      let framesSent = 0;
      let openedAt = performance.now();
      let conn = own;
      // The previous socket's floor is released as it closes: ask again until granted.
      const acquire = async (p: Probe) => {
        p.sendText(JSON.stringify({ type: "subscribe", channelId }));
        const deadline = Date.now() + 10_000;
        for (;;) {
          p.inbox.length = 0;
          p.sendText(JSON.stringify({ type: "ptt.start", channelId }));
          await p.until(
            () => p.inbox.some((m) => m.type === "ptt.granted" || m.type === "ptt.denied"),
            5_000,
            "ptt answer",
          );
          const granted = p.inbox.find((m) => m.type === "ptt.granted");
          if (granted) {
            streamId = granted.streamId as number;
            break;
          }
          if (Date.now() > deadline) throw new Error("the floor was never granted");
          await sleep(50);
        }
        p.inbox.length = 0;
      };
      await acquire(conn);
      const arb = fc.record({
        flagsBad: fc.oneof(
          { weight: 6, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: 2, max: 255 }) },
        ),
        kindBad: fc.oneof(
          { weight: 8, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
        payload: fc.oneof(
          { weight: 4, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }) },
          { weight: 1, arbitrary: fc.constantFrom(new Uint8Array(0), new Uint8Array(1_276)) },
        ),
      });
      const heapBefore = heapUsed();
      const expected: string[] = [];
      let seq = 0;
      await fc.assert(
        fc.asyncProperty(arb, async ({ flagsBad, kindBad, payload }) => {
          const s = (performance.now() - openedAt) / 1000;
          if (
            FRAME_BURST + s * FRAME_RATE - framesSent < 8 ||
            TEXT_BURST + s * TEXT_RATE - conn.textSent < 8 ||
            conn.closed
          ) {
            await conn.close();
            conn = await Probe.connect(t.wsUrl, owner.token);
            openedAt = performance.now();
            framesSent = 0;
            await acquire(conn);
          }
          const header = Buffer.alloc(8);
          header[0] = kindBad ? 2 : 1;
          header[1] = flagsBad;
          header.writeUInt32BE(streamId, 2);
          header.writeUInt16BE(seq++ & 0xffff, 6);
          const frame = Buffer.concat([header, payload]);
          framesSent++;
          const { replies } = await exchange(conn, frame);
          checkReplies(conn, replies);
          const wellFormed = payload.length >= 1 && payload.length <= 1_275 && !kindBad && flagsBad === 0;
          const allowed = wellFormed && allowedPacketSamples(payload) > 0;
          const reported = !wellFormed || (!allowed && reportedStream !== streamId);
          if (wellFormed && !allowed) reportedStream = streamId;
          const invalid = replies.some((r) => r.type === "error" && r.code === "invalid_frame");
          if (reported !== invalid)
            throw new Error(`well-formed=${wellFormed} allowed=${allowed} but invalid_frame=${invalid}`);
          if (allowed) expected.push(frame.toString("hex"));
        }),
        { numRuns: Math.ceil(FUZZ_RUNS / 5), seed: FUZZ_SEED, endOnFailure: true },
      );
      await conn.close();
      await listener.until(() => listener.frames.length >= expected.length, 10_000, "relayed frames");
      expect(listener.frames.map((f) => f.toString("hex"))).toEqual(expected);
      listener.frames.length = 0;
      expect(await healthy(t)).toBe(true);
      expect(heapUsed() - heapBefore).toBeLessThan(HEAP_GROWTH_MAX);
      // Whatever was stored from garbage Opus is a file the recording route serves as Ogg.
      const history = await t.api.get(`/channels/${channelId}/messages?limit=200`, owner.token);
      for (const m of (history.body.messages as { recording?: { url: string } }[]).filter(
        (x) => x.recording,
      )) {
        const res = await t.api.get(m.recording!.url, owner.token);
        expect(res.status).toBe(200);
        expect(String(res.body).startsWith("OggS")).toBe(true);
      }
    },
    FUZZ_TIMEOUT_MS,
  );
});
