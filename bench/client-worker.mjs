// One load-generator process: holds many client sockets and does what the orchestrator asks over
// IPC (open listeners/speakers/idle sockets, transmit, post chat messages, probe ping latency,
// report counters). Kept cheap on purpose: a listener's audio path is one buffer read, one clock
// read and one histogram increment; no JSON on binary frames.
//
// Protocols: "won" — the contract (auth → ready, subscribe → subscribed, ptt.start → ptt.granted,
// binary frames); the raw ceiling relay speaks the same text messages without checking anything,
// so it uses the same client. "sio" — Socket.IO client, rooms as channels.
import http from "node:http";
import { io as sioConnect } from "socket.io-client";
import { WebSocket } from "ws";
import { add, newHist, pack } from "./lib/hist.mjs";

const nowUs = () => Number(process.hrtime.bigint()) / 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SETUP_TIMEOUT_MS = 30_000;

let audio = newHist();
let chat = newHist();
let ping = newHist();
const counters = {
  received: 0,
  chatReceived: 0,
  unexpectedCloses: 0,
  badFrames: 0,
  serverErrors: 0,
  speakerStops: 0,
};
/** `error` codes and `speaker.stopped` reasons seen since the last reset (should stay empty). */
let notes = {};
const note = (k) => (notes[k] = (notes[k] ?? 0) + 1);
/** @type {Conn[]} */
let listeners = [];
/** @type {Conn[]} */
let speakers = [];
/** @type {Conn[]} */
let idle = [];

/** TOC byte of a one-frame 20 ms Opus packet (RFC 6716 §3.1: config 31, code 0). */
const OPUS_TOC_20MS = 0xf8;

function onAudio(data, start = 0, len = data.length) {
  if (len < 17 || data[start] !== 1) {
    counters.badFrames++;
    return;
  }
  add(audio, nowUs() - data.readDoubleLE(start + 9));
  counters.received++;
}

/**
 * Cheapest possible receiving side for listeners: once a socket is set up, its TCP stream is read
 * directly — server-to-client WebSocket frames are unmasked and unfragmented, so a chunk holding
 * many frames is walked in place (RFC 6455 §5.2) with no per-message allocation or event. Pings
 * are answered through `ws` (its sending side is untouched).
 */
function readRaw(ws, onText) {
  const sock = ws._socket;
  ws.rawSocket = sock;
  sock.removeAllListeners("data");
  let rest = null;
  sock.on("data", (chunk) => {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    rest = null;
    let off = 0;
    while (off + 2 <= buf.length) {
      const op = buf[off] & 0x0f;
      let len = buf[off + 1] & 0x7f;
      let hdr = 2;
      if (len === 126) {
        if (off + 4 > buf.length) break;
        len = buf.readUInt16BE(off + 2);
        hdr = 4;
      } else if (len === 127) {
        if (off + 10 > buf.length) break;
        len = Number(buf.readBigUInt64BE(off + 2));
        hdr = 10;
      }
      const start = off + hdr;
      if (start + len > buf.length) break;
      if (op === 2) onAudio(buf, start, len);
      else if (op === 1) onText(buf.toString("utf8", start, start + len));
      else if (op === 9) ws.pong(buf.subarray(start, start + len));
      off = start + len;
    }
    if (off < buf.length) rest = Buffer.from(buf.subarray(off));
  });
}

function onChat(message) {
  const stamp = Number.parseFloat(message?.body);
  if (!Number.isFinite(stamp)) return;
  add(chat, nowUs() - stamp);
  counters.chatReceived++;
}

/** A contract (or raw-relay) WebSocket client. */
class WonConn {
  static async open(url) {
    // wss:// only to the bench's own relay on 127.0.0.1, whose certificate is self-signed.
    const ws = new WebSocket(url, { perMessageDeflate: false, rejectUnauthorized: false });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    return new WonConn(ws);
  }

  constructor(ws) {
    this.ws = ws;
    this.waiters = [];
    this.pingSent = [];
    this.closing = false;
    ws.on("message", (data, isBinary) => {
      if (isBinary) return onAudio(data);
      this.onText(data);
    });
    ws.on("close", (code) => {
      if (!this.closing) counters.unexpectedCloses++;
      for (const w of this.waiters.splice(0)) w.reject(new Error(`socket closed ${code}`));
    });
    ws.on("error", () => {});
  }

  /** From now on this socket is read by {@link readRaw}. */
  goRaw() {
    readRaw(this.ws, (text) => this.onText(text));
  }

  onText(data) {
    const msg = JSON.parse(data);
    if (msg.type === "message.created") onChat(msg.message);
    else if (msg.type === "error") {
      counters.serverErrors++;
      note(`error:${msg.code}`);
    } else if (msg.type === "speaker.stopped" && msg.reason !== "released") note(`stopped:${msg.reason}`);
    else if (msg.type === "pong" && this.pingSent.length) add(ping, nowUs() - this.pingSent.shift());
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

  wait(match, what) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), SETUP_TIMEOUT_MS);
      this.waiters.push({ match, resolve, reject, timer });
    });
  }

  send(msg) {
    this.ws.send(JSON.stringify(msg));
  }

  async auth(token) {
    const ready = this.wait((m) => m.type === "ready", "ready");
    this.send({ type: "auth", token });
    await ready;
  }

  async subscribe(channelId) {
    const done = this.wait(
      (m) => (m.type === "subscribed" || m.type === "error") && (m.channelId ?? m.ref) === channelId,
      "subscribed",
    );
    this.send({ type: "subscribe", channelId });
    const m = await done;
    if (m.type === "error") throw new Error(`subscribe failed: ${m.code} ${m.message}`);
  }

  async startTalking(channelId) {
    const r = this.wait(
      (m) => (m.type === "ptt.granted" || m.type === "ptt.denied") && m.channelId === channelId,
      "ptt.granted",
    );
    this.send({ type: "ptt.start", channelId });
    const m = await r;
    if (m.type !== "ptt.granted") throw new Error(`ptt denied: ${m.reason}`);
    return m.streamId;
  }

  async stopTalking(channelId) {
    const r = this.wait((m) => m.type === "ptt.stopped" && m.channelId === channelId, "ptt.stopped");
    this.send({ type: "ptt.stop", channelId });
    await r;
  }

  sendFrame(frame) {
    this.ws.send(frame, { binary: true });
  }

  ping() {
    this.pingSent.push(nowUs());
    this.ws.send('{"type":"ping"}');
  }

  close() {
    this.closing = true;
    this.ws.terminate();
  }
}

/** A Socket.IO client: rooms as channels, "f" events carry the same binary frames. */
class SioConn {
  static async open(url) {
    const s = sioConnect(url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      timeout: SETUP_TIMEOUT_MS,
    });
    await new Promise((resolve, reject) => {
      s.once("connect", resolve);
      s.once("connect_error", reject);
    });
    return new SioConn(s);
  }

  constructor(s) {
    this.s = s;
    this.closing = false;
    s.on("f", (buf) => onAudio(Buffer.isBuffer(buf) ? buf : Buffer.from(buf)));
    s.on("message.created", (msg) => onChat(msg.message));
    s.on("disconnect", () => {
      if (!this.closing) counters.unexpectedCloses++;
    });
  }

  async auth() {}

  /**
   * From now on this socket is read by {@link readRaw}: binary frames are the attachments of "f"
   * events (the audio frame as sent); engine.io text packets: "2" is its ping,
   * "42[…]" an event.
   */
  goRaw() {
    const engine = this.s.io.engine;
    readRaw(engine.transport.ws, (text) => {
      // Hand the ping to engine.io: it answers "3" and re-arms its own ping-timeout timer, which
      // would otherwise close the socket 45 s after the reader was swapped.
      if (text === "2") engine._onPacket({ type: "ping" });
      else if (text.startsWith("42")) {
        const [name, arg] = JSON.parse(text.slice(2));
        if (name === "message.created") onChat(arg.message);
      }
    });
  }

  subscribe(channelId) {
    return this.s.timeout(SETUP_TIMEOUT_MS).emitWithAck("subscribe", channelId);
  }

  async startTalking() {
    return 1;
  }

  async stopTalking() {}

  sendFrame(frame) {
    this.s.emit("f", frame);
  }

  ping() {
    const t = nowUs();
    this.s.emit("p", () => add(ping, nowUs() - t));
  }

  close() {
    this.closing = true;
    // A raw-read socket must stop counting at once: a lagging server may still be sending.
    this.s.io.engine?.transport?.ws?.rawSocket?.destroy();
    this.s.disconnect();
  }
}

const Proto = { won: WonConn, raw: WonConn, sio: SioConn };

/** Opens `conns` ({url, token, channelId?}) with bounded concurrency; returns the ones that made it. */
async function openMany(proto, conns, concurrency, raw = false) {
  const out = [];
  const errors = [];
  let next = 0;
  async function lane() {
    while (next < conns.length) {
      const c = conns[next++];
      try {
        const conn = await Proto[proto].open(c.url);
        try {
          await conn.auth(c.token);
          if (c.channelId) await conn.subscribe(c.channelId);
          conn.channelId = c.channelId;
          if (raw) conn.goRaw();
          out.push(conn);
        } catch (err) {
          conn.close();
          throw err;
        }
      } catch (err) {
        errors.push(String(err?.message ?? err));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, conns.length) }, lane));
  return { conns: out, failed: errors.length, errors: [...new Set(errors)].slice(0, 5) };
}

/**
 * Every speaker sends `fps` frames/s of `payloadBytes` for `durationMs`. The payload is an Opus
 * packet as far as its TOC byte goes (0xf8: one 20 ms CELT frame; the server refuses packets of
 * other durations), then the send timestamp in 8 bytes, then filler.
 */
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
      speakers[i].sendFrame(frame);
      sent++;
    }
  }
  const stopErrors = [];
  await Promise.all(
    speakers.map((s) => s.stopTalking(s.channelId).catch((e) => stopErrors.push(String(e.message)))),
  );
  return { sent, perSpeaker: ticks, lateTicks, stopErrors: stopErrors.slice(0, 3) };
}

/** `sample` idle sockets each ping every `intervalMs` for `durationMs`; RTTs go to the ping histogram. */
async function probe({ sample, durationMs, intervalMs }) {
  ping = newHist();
  const pool = idle.length ? idle : listeners;
  const step = Math.max(1, Math.floor(pool.length / sample));
  const chosen = [];
  for (let i = 0; i < pool.length && chosen.length < sample; i += step) chosen.push(pool[i]);
  const timers = chosen.map((c, i) => {
    const start = setTimeout(
      () => {
        c.ping();
        c.timer = setInterval(() => c.ping(), intervalMs);
      },
      (i * intervalMs) / chosen.length,
    );
    return () => {
      clearTimeout(start);
      clearInterval(c.timer);
    };
  });
  await sleep(durationMs);
  for (const stop of timers) stop();
  await sleep(Math.min(2_000, intervalMs));
  for (const c of chosen) if (c.pingSent) c.pingSent.length = 0;
  return { ping: pack(ping), probed: chosen.length };
}

/**
 * Posts chat messages over REST, open loop at `rate`/s for `durationMs` (at most `maxInFlight`
 * outstanding; beyond that a message counts as offered but not sent). The body is the send time.
 */
async function post({ base, token, channelId, rate, durationMs, maxInFlight = 256 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const url = new URL(`${base}/api/v1/channels/${channelId}/messages`);
  const statuses = {};
  const ids = [];
  const rtt = newHist();
  let inFlight = 0;
  let skipped = 0;
  const total = Math.round((rate * durationMs) / 1000);
  let issued = 0;
  const pending = new Set();
  const one = (i) =>
    new Promise((resolve) => {
      const t = nowUs();
      const body = JSON.stringify({ body: t.toFixed(1), clientId: `b${process.pid}-${Date.now()}-${i}` });
      const req = http.request(
        url,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            if (res.statusCode === 201 || res.statusCode === 200) {
              add(rtt, nowUs() - t);
              try {
                ids.push(JSON.parse(Buffer.concat(chunks)).id);
              } catch {}
            }
            resolve();
          });
        },
      );
      req.on("error", () => {
        statuses.error = (statuses.error ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
  const t0 = performance.now();
  while (issued < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    while (issued < due) {
      if (inFlight >= maxInFlight) {
        skipped++;
        issued++;
        continue;
      }
      inFlight++;
      const p = one(issued++).then(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
    await sleep(2);
  }
  const sendSeconds = (performance.now() - t0) / 1000;
  await Promise.race([Promise.all(pending), sleep(15_000)]);
  agent.destroy();
  return { offered: total, skipped, statuses, ids, sendSeconds, rtt: pack(rtt) };
}

const commands = {
  async open({ role, proto, conns, concurrency = 50 }) {
    const r = await openMany(proto, conns, concurrency, role === "listener");
    if (role === "listener") listeners.push(...r.conns);
    else if (role === "speaker") speakers.push(...r.conns);
    else idle.push(...r.conns);
    return {
      opened: r.conns.length,
      failed: r.failed,
      errors: r.errors,
      total: listeners.length + speakers.length + idle.length,
    };
  },
  reset() {
    audio = newHist();
    chat = newHist();
    for (const k of Object.keys(counters)) counters[k] = 0;
    notes = {};
    return {};
  },
  stats() {
    return { ...counters, notes, audio: pack(audio), chat: pack(chat), listeners: listeners.length };
  },
  transmit,
  probe,
  post,
  /** Closes listeners beyond the first `keep`. */
  trimTo({ keep }) {
    for (const c of listeners.splice(keep)) c.close();
    return { listeners: listeners.length };
  },
  closeAll() {
    for (const c of [...listeners, ...speakers, ...idle]) c.close();
    listeners = [];
    speakers = [];
    idle = [];
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
