import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Backing,
  createBacking,
  eventually,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";

const ROUNDS = 200;
const DEADLINE_MS = 60_000;
const POOL = 4;
/** Each socket sends two messages every POOL rounds: at most 2 × 1000 / (POOL × 40) = 12.5/s. */
const MIN_ROUND_MS = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Floors over several channels under races, end to end: two participants on two instances ask
 * for the floors of two patched channels at the same moment, round after round. Exactly one is
 * granted each time (never both: that would be two speakers on one channel), and a third
 * channel outside the patch stays independent.
 */
describe("patched floors under races (production, two instances)", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let org: TestUser;
  let p1: TestUser;
  let p2: TestUser;
  let p3: TestUser;
  const open: WsClient[] = [];

  beforeAll(async () => {
    backing = await createBacking("production");
    [one, two] = await Promise.all([startApp(backing), startApp(backing)]);
    [org, p1, p2, p3] = await Promise.all([1, 2, 3, 4].map(() => one.api.user()));
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([one?.close(), two?.close()]);
  });

  it(
    `grants exactly one of two simultaneous starts on patched channels (${ROUNDS} rounds)`,
    async () => {
      const ev = await one.api.post("/events", { name: "Race" }, org.token);
      const eventId = ev.body.id;
      for (const u of [p1, p2, p3]) await one.api.post("/join", { code: ev.body.inviteCode }, u.token);
      const [a, b, c] = await Promise.all(
        ["A", "B", "C"].map(
          async (name) => (await one.api.post("/channels", { name, eventId }, org.token)).body.id,
        ),
      );
      expect(
        (await one.api.post(`/events/${eventId}/patches`, { channelIds: [a, b] }, org.token)).status,
      ).toBe(201);
      // Sockets are limited to 20 messages a second: each side takes turns over a pool of four.
      const pool = async (app: TestApp, u: TestUser, channelId: string) =>
        Promise.all(
          Array.from({ length: POOL }, async () => {
            const w = await WsClient.connect(app.wsUrl, u.token);
            open.push(w);
            await w.subscribe(channelId);
            return w;
          }),
        );
      const [s1, s2, s3] = [await pool(one, p1, a), await pool(two, p2, b), await pool(two, p3, c)];

      /** The first grant or denial for `channelId` after message index `from`. */
      const answer = async (w: WsClient, channelId: string, from: number) => {
        const m = await eventually(
          () =>
            w.messages
              .slice(from)
              .find(
                (x) => (x.type === "ptt.granted" || x.type === "ptt.denied") && x.channelId === channelId,
              ),
          5_000,
          "an answer to ptt.start",
        ).catch((err: Error) => {
          throw new Error(`${err.message}: ${JSON.stringify(w.messages.slice(-6))}`);
        });
        return { granted: m!.type === "ptt.granted", m: m! };
      };
      const deadline = Date.now() + DEADLINE_MS;
      let round = 0;
      const wins = [0, 0];
      for (; round < ROUNDS && Date.now() < deadline; round++) {
        const pace = sleep(MIN_ROUND_MS);
        const [w1, w2, w3] = [s1[round % POOL]!, s2[round % POOL]!, s3[round % POOL]!];
        const from = [w1, w2, w3].map((w) => w.messages.length);
        w1.send({ type: "ptt.start", channelId: a });
        w2.send({ type: "ptt.start", channelId: b });
        w3.send({ type: "ptt.start", channelId: c });
        const [x1, x2, x3] = await Promise.all([
          answer(w1, a, from[0]!),
          answer(w2, b, from[1]!),
          answer(w3, c, from[2]!),
        ]);
        expect([x1.granted, x2.granted].filter(Boolean), `round ${round}`).toHaveLength(1);
        expect(x3.granted, `round ${round}: the unpatched channel`).toBe(true);
        const loser = x1.granted ? x2 : x1;
        expect(loser.m.reason).toBe("busy");
        wins[x1.granted ? 0 : 1]!++;
        const [winner, winCh] = x1.granted ? [w1, a] : [w2, b];
        winner.send({ type: "ptt.stop", channelId: winCh });
        w3.send({ type: "ptt.stop", channelId: c });
        await Promise.all([
          winner.next("ptt.stopped", (m) => m.channelId === winCh),
          w3.next("ptt.stopped", (m) => m.channelId === c),
        ]);
        await pace;
      }
      expect(round).toBe(ROUNDS);
      // Both sides won some rounds: the race was real.
      expect(Math.min(...wins)).toBeGreaterThan(0);
    },
    DEADLINE_MS + 20_000,
  );
});
