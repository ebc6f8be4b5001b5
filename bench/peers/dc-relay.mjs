// Datagram relay: the raw-relay ceiling with audio moved to WebRTC data channels. The WebSocket
// stays for control and signalling; it speaks the same text messages as raw-relay.mjs (auth →
// ready, subscribe → subscribed, ptt.start → ptt.granted, ptt.stop → ptt.stopped, ping → pong)
// plus `{type:"rtc.offer", sdp}` → `{type:"rtc.answer", sdp}`. Each client offers one unordered,
// no-retransmit "audio" channel; every binary message arriving on the speaker's channel is sent
// as is to the channel of every other socket subscribed to the speaker's channel. No auth, no
// Redis, no recording: like raw-relay.mjs it bounds what the transport alone costs.
//
// Usage: PORT=… [DC_LIB=ndc|werift] [UDP_MUX=1] node bench/peers/dc-relay.mjs
import http from "node:http";
import { WebSocketServer } from "ws";
import { answerer, LIBS } from "../lib/datachannel.mjs";

const LIB = process.env.DC_LIB ?? "ndc";
if (!LIBS.includes(LIB)) throw new Error(`DC_LIB must be one of ${LIBS.join(", ")}`);
const OPTS = { udpMux: process.env.UDP_MUX === "1" };
/** Bounds what one socket may make the relay hold: one peer connection, one offer of ≤ 64 KiB. */
const MAX_PAYLOAD = 64 * 1024;

/** channelId → Set of per-socket state ({ dc }). */
const channels = new Map();

const server = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: MAX_PAYLOAD });

wss.on("connection", (ws) => {
  const me = { dc: null, peer: null };
  let talkingOn = null;
  const subs = new Set();
  const reply = (msg) => ws.readyState === 1 && ws.send(JSON.stringify(msg));

  function relay(bytes) {
    const set = talkingOn && channels.get(talkingOn);
    if (!set) return;
    for (const other of set) if (other !== me && other.dc) other.dc.send(bytes);
  }

  async function connect(sdp) {
    if (me.peer) return reply({ type: "error", code: "rtc.already" });
    const peer = await answerer(LIB, sdp, OPTS);
    me.peer = peer;
    reply({ type: "rtc.answer", sdp: await peer.answer });
    const dc = await peer.channel;
    dc.onMessage(relay);
    dc.onClose(() => {
      if (me.dc === dc) me.dc = null;
    });
    me.dc = dc;
  }

  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    const msg = JSON.parse(data);
    switch (msg.type) {
      case "auth":
        return reply({ type: "ready" });
      case "subscribe": {
        if (!channels.has(msg.channelId)) channels.set(msg.channelId, new Set());
        channels.get(msg.channelId).add(me);
        subs.add(msg.channelId);
        return reply({ type: "subscribed", channelId: msg.channelId });
      }
      case "rtc.offer":
        return connect(msg.sdp).catch((err) =>
          reply({ type: "error", code: "rtc.failed", message: String(err) }),
        );
      case "ptt.start":
        talkingOn = msg.channelId;
        return reply({ type: "ptt.granted", channelId: msg.channelId, streamId: 1 });
      case "ptt.stop":
        talkingOn = null;
        return reply({ type: "ptt.stopped", channelId: msg.channelId, streamId: 1 });
      case "ping":
        return reply({ type: "pong" });
    }
  });
  ws.on("close", () => {
    for (const id of subs) channels.get(id)?.delete(me);
    me.dc = null;
    me.peer?.close();
  });
  ws.on("error", () => {});
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.send?.({ listening: server.address().port });
});
process.on("SIGTERM", () => process.exit(0));
