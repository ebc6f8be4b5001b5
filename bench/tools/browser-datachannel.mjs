// Can a browser be a listener on the datagram path? Starts peers/dc-relay.mjs (node-datachannel)
// on 127.0.0.1, opens one unordered, no-retransmit "audio" channel from headless Chromium
// (Debian's /usr/bin/chromium via playwright-core, the e2e harness's switches) and one from a Node
// speaker, sends FRAMES 68-byte frames at 50/s and prints how many the page received.
//
// Usage: node bench/tools/browser-datachannel.mjs [FRAMES=250]
// Prints one JSON line; exits 0 when the page received at least one frame. Bounded: 60 s.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { WebSocket } from "ws";
import { offerer } from "../lib/datachannel.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const FRAMES = Number(process.argv[2] ?? 250);
const CHANNEL = "browser-check";
const deadline = setTimeout(() => {
  console.error("browser-datachannel: 60 s deadline reached");
  process.exit(2);
}, 60_000);

/** The page's part: control over a WebSocket, audio on a data channel; counts frames received. */
async function pageListener({ url, channelId }) {
  const ws = new WebSocket(url);
  const next = (type) =>
    new Promise((resolve) => {
      const on = (e) => {
        const m = JSON.parse(e.data);
        if (m.type === type) {
          ws.removeEventListener("message", on);
          resolve(m);
        }
      };
      ws.addEventListener("message", on);
    });
  await new Promise((r) => ws.addEventListener("open", r, { once: true }));
  ws.send(JSON.stringify({ type: "auth", token: "bench" }));
  await next("ready");
  ws.send(JSON.stringify({ type: "subscribe", channelId }));
  await next("subscribed");
  const pc = new RTCPeerConnection({ iceServers: [] });
  const dc = pc.createDataChannel("audio", { ordered: false, maxRetransmits: 0 });
  dc.binaryType = "arraybuffer";
  window.got = { frames: 0, bytes68: 0 };
  dc.onmessage = (e) => {
    window.got.frames++;
    if (e.data.byteLength === 68) window.got.bytes68++;
  };
  const opened = new Promise((r) => dc.addEventListener("open", r, { once: true }));
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== "complete")
    await new Promise((r) =>
      pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()),
    );
  const candidates = pc.localDescription.sdp.split("\n").filter((l) => l.startsWith("a=candidate"));
  ws.send(JSON.stringify({ type: "rtc.offer", sdp: pc.localDescription.sdp }));
  const answer = await next("rtc.answer");
  await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
  await opened;
  const report = await pc.getStats();
  const pair = [...report.values()].find((s) => s.type === "candidate-pair" && s.nominated);
  const where = (id) => {
    const c = report.get(id);
    return c && `${c.address ?? "?"}:${c.port} ${c.candidateType}`;
  };
  return {
    pair: pair && { local: where(pair.localCandidateId), remote: where(pair.remoteCandidateId) },
    open: dc.readyState,
    ordered: dc.ordered,
    maxRetransmits: dc.maxRetransmits,
    candidates: candidates.map((c) => c.split(" ").slice(4, 8).join(" ")),
  };
}

const relay = fork(join(HERE, "../peers/dc-relay.mjs"), [], {
  env: { ...process.env, PORT: "0", DC_LIB: "ndc" },
  stdio: ["ignore", "ignore", "inherit", "ipc"],
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // Lets Chromium gather a host candidate on 127.0.0.1, so the pair can stay on loopback.
    "--allow-loopback-in-peer-connection",
  ],
});
let speaker = null;
let ws = null;
try {
  const port = (await new Promise((r) => relay.once("message", r))).listening;
  const url = `ws://127.0.0.1:${port}/`;
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`).catch(() => undefined);
  const setup = await page.evaluate(pageListener, { url, channelId: CHANNEL });

  // The speaker: a Node peer on the same relay.
  ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((r) => ws.once("open", r));
  const replies = [];
  ws.on("message", (d) => replies.push(JSON.parse(d)));
  const await_ = async (type) => {
    for (let i = 0; i < 200; i++) {
      const k = replies.findIndex((m) => m.type === type);
      if (k >= 0) return replies.splice(k, 1)[0];
      await sleep(50);
    }
    throw new Error(`no ${type}`);
  };
  speaker = await offerer("ndc");
  ws.send(JSON.stringify({ type: "rtc.offer", sdp: await speaker.offer }));
  await speaker.accept((await await_("rtc.answer")).sdp);
  const dc = await speaker.channel;
  ws.send(JSON.stringify({ type: "ptt.start", channelId: CHANNEL }));
  await await_("ptt.granted");
  for (let k = 0; k < FRAMES; k++) {
    const frame = Buffer.alloc(68, 0x5a);
    frame[0] = 1;
    frame.writeUInt16BE(k, 6);
    dc.send(frame);
    await sleep(20);
  }
  await sleep(500);
  const got = await page.evaluate(() => window.got);
  console.log(JSON.stringify({ ...setup, sent: FRAMES, received: got.frames, of68Bytes: got.bytes68 }));
  process.exitCode = got.frames > 0 ? 0 : 1;
} finally {
  speaker?.close();
  ws?.terminate();
  await browser.close();
  relay.kill("SIGTERM");
  clearTimeout(deadline);
}
// node-datachannel's threads would keep the process alive.
process.exit();
