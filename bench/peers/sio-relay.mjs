// Peer baseline: what a Node team would typically pick instead. A minimal Socket.IO server with
// @socket.io/redis-adapter (ioredis), rooms as channels; run two of them on one Redis. A client
// emits "subscribe" (ack) to join a room and "f" with a binary frame to relay it to the room of
// the channel it last subscribed to; "p" is acked (ping). `POST /api/v1/channels/:id/messages`
// broadcasts the body as "message.created" through the adapter (no persistence).
//
// Usage: PORT=… REDIS_URL=redis://… node bench/peers/sio-relay.mjs
import http from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { Server } from "socket.io";

const pub = new Redis(process.env.REDIS_URL);
const sub = pub.duplicate();
let seq = 0;

const server = http.createServer((req, res) => {
  const m = /^\/api\/v1\/channels\/([^/]+)\/messages$/.exec(req.url ?? "");
  if (req.method !== "POST" || !m) {
    if (!res.headersSent && !req.url?.startsWith("/socket.io/")) res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const { body } = JSON.parse(Buffer.concat(chunks));
    const message = { id: `${process.pid}-${++seq}`, seq, channelId: m[1], body };
    io.to(m[1]).emit("message.created", { channelId: m[1], message });
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(message));
  });
});

const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  adapter: createAdapter(pub, sub, { key: process.env.REDIS_PREFIX ?? "sio" }),
});
io.on("connection", (socket) => {
  let room = null;
  socket.on("subscribe", (channelId, ack) => {
    socket.join(channelId);
    room = channelId;
    ack?.({ ok: true });
  });
  socket.on("f", (frame) => {
    if (room) socket.to(room).emit("f", frame);
  });
  socket.on("p", (ack) => ack?.());
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.send?.({ listening: server.address().port });
});
process.on("SIGTERM", () => process.exit(0));
