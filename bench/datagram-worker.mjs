// One load-generator process for the datagram scenario: the same IPC commands and counters as
// client-worker.mjs (open, trimTo, transmit, stats, reset, closeAll), so scenarios/fanout.mjs
// drives it unchanged, but each client is a WebSocket for control plus a WebRTC peer connection
// whose unordered, no-retransmit data channel carries the audio (peers/dc-relay.mjs).
//
// Protocols: "dc-ndc" (node-datachannel) and "dc-werift" (werift) — the client uses the same
// library as the relay it talks to. Frames are byte for byte those of client-worker.mjs: 8-byte
// contract header + 60-byte payload whose bytes 1–8 are the send time (CLOCK_MONOTONIC µs).
import { WebSocket } from "ws";
import { offerer } from "./lib/datachannel.mjs";
import { add, newHist, pack } from "./lib/hist.mjs";

const nowUs = () => Number(process.hrtime.bigint()) / 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SETUP_TIMEOUT_MS = 30_000;
/** TOC byte of a one-frame 20 ms Opus packet (RFC 6716 §3.1: config 31, code 0). */
const OPUS_TOC_20MS = 0xf8;
/**
 * ptt.stop travels on the WebSocket and the last frames on the data channel: nothing orders the
 * two, and a stop that overtakes a frame ends the relay's stream before the frame is relayed.
 * The speaker waits this long after its last frame before asking to stop.
 */
const STOP_GRACE_MS = 200;

let audio = newHist();
const counters = { received: 0, chatReceived: 0, unexpectedCloses: 0, badFrames: 0, serverErrors: 0 };
let notes = {};
const note = (k) => (notes[k] = (notes[k] ?? 0) + 1);
/** @type {DcConn[]} */
let listeners = [];
/** @type {DcConn[]} */
let speakers = [];
/** Connection set-ups that failed once and were retried (reported by `stats`). */
let setupRetries = 0;

function onAudio(data) {
  if (data.length < 17 || data[0] !== 1) {
    counters.badFrames++;
    return;
  }
  add(audio, nowUs() - data.readDoubleLE(9));
  counters.received++;
}

/** Control over a WebSocket, audio over a data channel. */
class DcConn {
  static async open(url, lib) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    return new DcConn(ws, lib);
  }

  constructor(ws, lib) {
    this.ws = ws;
    this.lib = lib;
    this.waiters = [];
    this.closing = false;
    this.peer = null;
    this.dc = null;
    ws.on("message", (data, isBinary) => {
      if (!isBinary) this.onText(data);
    });
    ws.on("close", (code) => {
      if (!this.closing) counters.unexpectedCloses++;
      for (const w of this.waiters.splice(0)) w.reject(new Error(`socket closed ${code}`));
    });
    ws.on("error", () => {});
  }

  onText(data) {
    const msg = JSON.parse(data);
    if (msg.type === "error") {
      counters.serverErrors++;
      note(`error:${msg.code}`);
    }
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      if (w.match(msg)) {
        this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.resolve(msg);
        break;
      }
    }
  }

  request(msg, match, what) {
    const p = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), SETUP_TIMEOUT_MS);
      this.waiters.push({ match, resolve, reject, timer });
    });
    this.ws.send(JSON.stringify(msg));
    return p;
  }

  async setUp(channelId, role) {
    await this.request({ type: "auth", token: "bench" }, (m) => m.type === "ready", "ready");
    if (channelId)
      await this.request({ type: "subscribe", channelId }, (m) => m.type === "subscribed", "subscribed");
    this.peer = await offerer(this.lib);
    const answer = await this.request(
      { type: "rtc.offer", sdp: await this.peer.offer },
      (m) => m.type === "rtc.answer" || m.type === "error",
      "rtc.answer",
    );
    if (answer.type === "error") throw new Error(`rtc: ${answer.code} ${answer.message ?? ""}`);
    await this.peer.accept(answer.sdp);
    this.dc = await this.peer.channel;
    if (role === "listener") this.dc.onMessage(onAudio);
    this.dc.onClose(() => {
      if (!this.closing) counters.unexpectedCloses++;
    });
  }

  async startTalking(channelId) {
    const m = await this.request(
      { type: "ptt.start", channelId },
      (x) => x.type === "ptt.granted",
      "ptt.granted",
    );
    return m.streamId;
  }

  stopTalking(channelId) {
    return this.request({ type: "ptt.stop", channelId }, (x) => x.type === "ptt.stopped", "ptt.stopped");
  }

  close() {
    this.closing = true;
    this.peer?.close();
    this.ws.terminate();
  }
}

async function openMany(lib, role, conns, concurrency) {
  const out = [];
  const errors = [];
  let next = 0;
  async function lane() {
    while (next < conns.length) {
      const c = conns[next++];
      // One retry: a few node-datachannel offerers in a hundred reject their answer with "Got a
      // remote candidate without ICE transport" when many are set up at once; a fresh one connects.
      for (let attempt = 0; attempt < 2; attempt++) {
        let conn = null;
        try {
          conn = await DcConn.open(c.url, lib);
          await conn.setUp(c.channelId, role);
          conn.channelId = c.channelId;
          out.push(conn);
          break;
        } catch (err) {
          conn?.close();
          if (attempt === 0) setupRetries++;
          else errors.push(String(err?.message ?? err));
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, conns.length) }, lane));
  return { conns: out, failed: errors.length, errors: [...new Set(errors)].slice(0, 5) };
}

/** As client-worker.mjs: every speaker sends `fps` frames/s of `payloadBytes` for `durationMs`. */
async function transmit({ durationMs, fps, payloadBytes }) {
  const streamIds = await Promise.all(speakers.map((s) => s.startTalking(s.channelId)));
  const interval = 1000 / fps;
  const ticks = Math.round((durationMs / 1000) * fps);
  let sent = 0;
  let lateTicks = 0;
  const t0 = performance.now() + 50;
  for (let k = 0; k < ticks; k++) {
    const due = t0 + k * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else if (wait < -interval) lateTicks++;
    for (let i = 0; i < speakers.length; i++) {
      const frame = Buffer.allocUnsafe(8 + payloadBytes);
      frame.fill(0x5a, 17);
      frame[0] = 1;
      frame[1] = 0;
      frame.writeUInt32BE(streamIds[i], 2);
      frame.writeUInt16BE(k & 0xffff, 6);
      frame[8] = OPUS_TOC_20MS;
      frame.writeDoubleLE(nowUs(), 9);
      speakers[i].dc.send(frame);
      sent++;
    }
  }
  await sleep(STOP_GRACE_MS);
  const stopErrors = [];
  await Promise.all(
    speakers.map((s) => s.stopTalking(s.channelId).catch((e) => stopErrors.push(String(e.message)))),
  );
  return { sent, perSpeaker: ticks, lateTicks, stopErrors: stopErrors.slice(0, 3) };
}

const commands = {
  async open({ role, proto, conns, concurrency = 20 }) {
    const lib = proto.replace(/^dc-/, "");
    // Set-ups at once per worker: a werift handshake (certificate, DTLS, SCTP in JavaScript) costs
    // the relay's one thread tens of ms, so many at once time out.
    const r = await openMany(lib, role, conns, Math.min(concurrency, lib === "werift" ? 4 : 20));
    if (role === "listener") listeners.push(...r.conns);
    else speakers.push(...r.conns);
    return {
      opened: r.conns.length,
      failed: r.failed,
      errors: r.errors,
      total: listeners.length + speakers.length,
    };
  },
  reset() {
    audio = newHist();
    for (const k of Object.keys(counters)) counters[k] = 0;
    notes = {};
    return {};
  },
  stats() {
    return {
      ...counters,
      notes,
      setupRetries,
      audio: pack(audio),
      chat: pack(newHist()),
      listeners: listeners.length,
    };
  },
  transmit,
  trimTo({ keep }) {
    for (const c of listeners.splice(keep)) c.close();
    return { listeners: listeners.length };
  },
  async closeAll() {
    for (const c of [...listeners, ...speakers]) c.close();
    listeners = [];
    speakers = [];
    return {};
  },
};

process.on("message", async (m) => {
  try {
    const result = await commands[m.cmd](m.args ?? {});
    process.send({ id: m.id, result });
  } catch (err) {
    process.send({ id: m.id, error: String(err?.stack ?? err) });
  }
});
process.on("disconnect", () => process.exit(0));
