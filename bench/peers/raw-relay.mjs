// Ceiling baseline: the least a Node relay can do. One process, `ws` only: no authentication,
// no Redis, no recording, no validation. It answers the contract's text messages just enough for
// the same load generator to drive it (auth → ready, subscribe → subscribed, ptt.start →
// ptt.granted, ping → pong) and relays each binary frame to the other sockets of the sender's
// channel with `ws.send` per socket. A REST-like `POST /api/v1/channels/:id/messages` broadcasts
// the body as `message.created` (no persistence), for the chat comparison.
//
//
// PREFRAME=1 is the variant docs/architecture.md recommends: build the WebSocket frame
// (header + payload) ONCE per audio frame and write that one buffer to every socket, instead of
// `ws.send` framing it again per socket (which writes header and payload with writev).
//
// TLS_CERT=… TLS_KEY=… (PEM files) serves wss:// instead: what every socket costs once each frame
// is encrypted per listener, as a data channel's DTLS always does.
//
// Usage: PORT=… [PREFRAME=1] [TLS_CERT=… TLS_KEY=…] node bench/peers/raw-relay.mjs
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { Sender, WebSocketServer } from "ws";

const PREFRAME = process.env.PREFRAME === "1";
const FRAME_OPTS = { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: false };

const channels = new Map(); // channelId → Set<ws>
const join = (id, ws) => {
  let set = channels.get(id);
  if (!set) {
    set = new Set();
    channels.set(id, set);
  }
  set.add(ws);
};
let seq = 0;

const tls = process.env.TLS_CERT
  ? { cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) }
  : null;
const server = (tls ? https.createServer.bind(null, tls) : http.createServer)((req, res) => {
  const m = /^\/api\/v1\/channels\/([^/]+)\/messages$/.exec(req.url ?? "");
  if (req.method !== "POST" || !m) {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const { body } = JSON.parse(Buffer.concat(chunks));
    const message = { id: String(++seq), seq, channelId: m[1], body };
    const bytes = Buffer.from(JSON.stringify({ type: "message.created", channelId: m[1], message }));
    for (const ws of channels.get(m[1]) ?? []) ws.send(bytes, { binary: false });
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(message));
  });
});

const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on("connection", (ws) => {
  let talkingOn = null;
  const subs = new Set();
  ws.on("message", (data, isBinary) => {
    if (isBinary) {
      const set = talkingOn && channels.get(talkingOn);
      if (!set) return;
      if (PREFRAME) {
        const parts = Sender.frame(data, FRAME_OPTS);
        const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
        for (const peer of set) if (peer !== ws && peer.readyState === 1) peer._socket.write(bytes);
      } else {
        for (const peer of set) if (peer !== ws) peer.send(data, { binary: true });
      }
      return;
    }
    const msg = JSON.parse(data);
    switch (msg.type) {
      case "auth":
        return ws.send(JSON.stringify({ type: "ready" }));
      case "subscribe":
        join(msg.channelId, ws);
        subs.add(msg.channelId);
        return ws.send(JSON.stringify({ type: "subscribed", channelId: msg.channelId }));
      case "ptt.start":
        talkingOn = msg.channelId;
        return ws.send(JSON.stringify({ type: "ptt.granted", channelId: msg.channelId, streamId: 1 }));
      case "ptt.stop":
        talkingOn = null;
        return ws.send(JSON.stringify({ type: "ptt.stopped", channelId: msg.channelId, streamId: 1 }));
      case "ping":
        return ws.send('{"type":"pong"}');
    }
  });
  ws.on("close", () => {
    for (const id of subs) channels.get(id)?.delete(ws);
  });
  ws.on("error", () => {});
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.send?.({ listening: server.address().port });
});
process.on("SIGTERM", () => process.exit(0));
