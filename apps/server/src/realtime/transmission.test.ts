/**
 * The lease under loop lag: a node whose renewal answers are read late, or whose loop stalls,
 * keeps the speaker's transmission and relays every frame spoken under its floor — and relays
 * none spoken after the floor was really lost. Driven against the real in-process floor engine.
 */
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { encodeAudioFrame, type StopReason } from "@won/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { silencePackets } from "../audio/test-speech.js";
import { MemoryFloor } from "../engines/floor.memory.js";
import { MemoryHub } from "../engines/memory-hub.js";
import type { Connection } from "./connection.js";
import { MAX_HELD_FRAMES, RELAY_SLICE_MS, Transmission, type TransmissionHost } from "./transmission.js";

const CHANNEL = "c1";
const STREAM = 7;
const PACKET = silencePackets(1)[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Harness {
  t: Transmission;
  floor: MemoryFloor;
  relayed: { seq: number; at: number }[];
  ended: Promise<StopReason>;
  frame(seq: number, last?: boolean): Buffer;
}

/**
 * A host over a real MemoryFloor. `answerDelayMs` holds each renewal's answer back after the
 * store has applied it (an overloaded node reading its replies late); `storeLeaseMs` is how long
 * a renewal extends the lease in the store (default: the node's own lease).
 */
async function harness(opts: {
  leaseMs: number;
  /** Holds each renewal back before the store sees it (a connection to the store that stalls). */
  requestDelayMs?: number;
  answerDelayMs?: number;
  storeLeaseMs?: number;
  /** Replaces the store's answer (the renewal is still applied to the floor). */
  answer?: (stored: boolean) => Promise<boolean>;
  /** Busy time per relayed frame: a node fanning out to many sockets. */
  relayCostMs?: number;
  /** Told of every renewal asked. */
  onRenew?: () => void;
}): Promise<Harness> {
  const floor = new MemoryFloor({ hub: new MemoryHub() });
  const granted = await floor.acquire(
    CHANNEL,
    { userId: "u1", connId: "k1", nodeId: "n1", streamId: STREAM, priority: false },
    { leaseMs: opts.storeLeaseMs ?? opts.leaseMs, preempt: false },
  );
  expect(granted.granted).toBe(true);
  const relayed: { seq: number; at: number }[] = [];
  let onStopped!: (r: StopReason) => void;
  const ended = new Promise<StopReason>((r) => {
    onStopped = r;
  });
  const host: TransmissionHost = {
    leaseMs: opts.leaseMs,
    maxDurationMs: 60_000,
    relay: (_channelId, frame) => {
      const until = Date.now() + (opts.relayCostMs ?? 0);
      while (Date.now() < until) {
        /* the fan-out's synchronous cost */
      }
      relayed.push({ seq: frame.readUInt16BE(6), at: Date.now() });
    },
    renew: async (channelId, streamId) => {
      opts.onRenew?.();
      if (opts.requestDelayMs) await sleep(opts.requestDelayMs);
      const ok = await floor.renew(channelId, streamId, opts.storeLeaseMs ?? opts.leaseMs);
      if (opts.answerDelayMs) await sleep(opts.answerDelayMs);
      return opts.answer ? opts.answer(ok) : ok;
    },
    release: async (channelId, streamId) => {
      await floor.release(channelId, streamId);
    },
    store: async () => null,
    stopped: async (_t, reason) => onStopped(reason),
    onEnded: () => undefined,
  };
  const t = new Transmission(host, {} as Connection, CHANNEL, STREAM, false);
  const frame = (seq: number, last = false) => Buffer.from(encodeAudioFrame(STREAM, seq, PACKET, last));
  return { t, floor, relayed, ended, frame };
}

/** A 300 ms lease whose renewals are answered only when the test says so. */
async function withHeldAnswers(): Promise<{ h: Harness; answers: (() => void)[] }> {
  const answers: (() => void)[] = [];
  const h = await harness({
    leaseMs: 300,
    answer: (stored) => new Promise<boolean>((r) => answers.push(() => r(stored))),
  });
  open.push(h.t);
  return { h, answers };
}

/** Sends a frame every 20 ms for `ms`; returns the next seq. */
async function talkFor(h: Harness, ms: number): Promise<number> {
  let seq = 0;
  const start = Date.now();
  while (Date.now() - start < ms) {
    h.t.onFrame(h.frame(seq++));
    await sleep(20);
  }
  return seq;
}

let open: Transmission[] = [];
afterEach(async () => {
  await Promise.all(open.map((t) => t.end("released")));
  open = [];
});

describe("Transmission lease under loop lag", () => {
  it("renewal answers read later than the lease: every frame relayed in order, the speaker keeps the floor", async () => {
    // Each answer is read 450 ms after the store applied it (lease 300 ms): without asking the
    // next renewal before the last answer, the lease would run out in the store.
    const h = await harness({ leaseMs: 300, answerDelayMs: 450 });
    open.push(h.t);
    for (let seq = 0; seq < 75; seq++) {
      h.t.onFrame(h.frame(seq));
      await sleep(20);
    }
    h.t.onFrame(h.frame(75, true));
    expect(await h.ended).toBe("released");
    expect(h.relayed.map((r) => r.seq)).toEqual(Array.from({ length: 76 }, (_, i) => i));
    // It did hold frames back (the answers were late), and dropped none.
    expect(h.relayed.some((r, i) => i > 0 && r.at - h.relayed[i - 1]!.at > 100)).toBe(true);
    expect(h.t.heldFrames).toBeGreaterThan(0);
    expect(h.t.droppedFrames).toBe(0);
  });

  it("the floor lapsed in the store and went to someone else: frames after the lapse are never relayed", async () => {
    // Renewals reach the store 800 ms late, so the 300 ms lease runs out there while the node
    // waits — and another user takes the floor.
    const h = await harness({ leaseMs: 300, requestDelayMs: 800 });
    open.push(h.t);
    let takenAt = 0;
    const stopAt = Date.now() + 2_000;
    let seq = 0;
    const sentAt: number[] = [];
    while (Date.now() < stopAt && !h.t.ended) {
      if (!takenAt) {
        const other = await h.floor.acquire(
          CHANNEL,
          { userId: "u2", connId: "k2", nodeId: "n1", streamId: 99, priority: false },
          { leaseMs: 10_000, preempt: false },
        );
        if (other.granted) takenAt = Date.now();
      }
      sentAt[seq] = Date.now();
      h.t.onFrame(h.frame(seq++));
      await sleep(20);
    }
    expect(takenAt).toBeGreaterThan(0);
    expect(await h.ended).toBe("timeout");
    // Every relayed frame was received while the floor was still ours.
    for (const r of h.relayed) expect(sentAt[r.seq]!).toBeLessThan(takenAt);
    expect(h.relayed.length).toBeLessThan(seq);
    // The frames held past the lapse were dropped with the transmission, and counted.
    expect(h.t.droppedFrames).toBe(h.t.heldFrames);
    expect(h.t.droppedFrames).toBeGreaterThan(0);
  });

  it("pre-empted within the lease: ends as preempted", async () => {
    const h = await harness({ leaseMs: 300 });
    open.push(h.t);
    await h.floor.acquire(
      CHANNEL,
      { userId: "admin", connId: "k3", nodeId: "n1", streamId: 42, priority: true },
      { leaseMs: 10_000, preempt: true },
    );
    for (let seq = 0; seq < 30 && !h.t.ended; seq++) {
      h.t.onFrame(h.frame(seq));
      await sleep(20);
    }
    expect(await h.ended).toBe("preempted");
  });

  it("holds at most MAX_HELD_FRAMES while renewals are outstanding, dropping the oldest", async () => {
    const { h, answers } = await withHeldAnswers();
    let seq = await talkFor(h, 340);
    const before = h.relayed.length;
    expect(before).toBeGreaterThan(5);
    expect(before).toBeLessThan(seq);
    for (let i = 0; i < MAX_HELD_FRAMES + 25; i++) h.t.onFrame(h.frame(seq++));
    const held = seq - before;
    expect(h.t.droppedFrames).toBe(held - MAX_HELD_FRAMES);
    expect(h.relayed).toHaveLength(before);
    for (const a of answers) a();
    await sleep(10);
    const flushed = Array.from({ length: MAX_HELD_FRAMES }, (_, i) => seq - MAX_HELD_FRAMES + i);
    expect(h.relayed.map((r) => r.seq)).toEqual([...Array.from({ length: before }, (_, i) => i), ...flushed]);
  });

  it("a burst read at once is relayed in slices: the loop, and renewals, get through in between", async () => {
    // 10 ms of fan-out per frame, 280 frames in one synchronous burst (one socket read, within the
    // 300 frames a transmission holds): 2.8 s of relaying, four times the lease. Without slices no
    // renewal could leave in time. (A 700 ms lease, not a shorter one: a machine under load may
    // not run this process for a few hundred ms.)
    const BURST = 280;
    let renewals = 0;
    const h = await harness({ leaseMs: 700, relayCostMs: 10, onRenew: () => renewals++ });
    open.push(h.t);
    const turns: number[] = [];
    const ticker = setInterval(() => turns.push(Date.now()), 5);
    try {
      for (let seq = 0; seq < BURST; seq++) h.t.onFrame(h.frame(seq));
      // The first slice went out synchronously, the rest are held for later turns.
      expect(h.relayed.length).toBeLessThanOrEqual(Math.ceil(RELAY_SLICE_MS / 10) + 1);
      h.t.onFrame(h.frame(BURST, true));
      expect(await h.ended).toBe("released");
    } finally {
      clearInterval(ticker);
    }
    expect(h.relayed.map((r) => r.seq)).toEqual(Array.from({ length: BURST + 1 }, (_, i) => i));
    expect(h.t.droppedFrames).toBe(0);
    // Timers ran while it relayed, and the lease was renewed along the way.
    const first = h.relayed[0]!.at;
    const last = h.relayed.at(-1)!.at;
    expect(turns.filter((t) => t > first && t < last).length).toBeGreaterThan(5);
    expect(renewals).toBeGreaterThanOrEqual(3);
  });

  it("a release while frames are held lets them out first", async () => {
    const { h, answers } = await withHeldAnswers();
    const seq = await talkFor(h, 400);
    expect(h.t.heldFrames).toBeGreaterThan(0);
    const released = h.t.end("released");
    await sleep(20);
    expect(h.t.ended).toBe(false);
    for (const a of answers) a();
    await released;
    expect(await h.ended).toBe("released");
    expect(h.relayed.map((r) => r.seq)).toEqual(Array.from({ length: seq }, (_, i) => i));
    expect(h.t.droppedFrames).toBe(0);
  });

  it("a loop stall longer than the lease does not time out a speaker whose frames wait unread", async () => {
    // The store lease outlasts the stall (a renewal Redis applied just before it), so the floor
    // is still ours when the node wakes; the idle check must not fire before the frames are read.
    const h = await harness({ leaseMs: 300, storeLeaseMs: 5_000 });
    open.push(h.t);
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    const accepted = once(server, "connection") as Promise<[Socket]>;
    const client = connect(port, "127.0.0.1");
    await once(client, "connect");
    const [peer] = await accepted;
    const frameBytes = h.frame(0).length;
    let pending = Buffer.alloc(0);
    peer.on("data", (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= frameBytes) {
        h.t.onFrame(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
      }
    });
    try {
      for (let seq = 0; seq < 10; seq++) {
        client.write(h.frame(seq));
        await sleep(20);
      }
      // The speaker keeps talking; this node's loop is stuck for longer than the lease.
      client.write(h.frame(10));
      const until = Date.now() + 500;
      while (Date.now() < until) {
        /* a synchronous stall, as under overload */
      }
      for (let seq = 11; seq < 20; seq++) {
        client.write(h.frame(seq));
        await sleep(20);
      }
      client.write(h.frame(20, true));
      expect(await h.ended).toBe("released");
      expect(h.relayed.map((r) => r.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    } finally {
      client.destroy();
      peer.destroy();
      server.close();
    }
  });
});
