/**
 * Console measurements and synthetic speakers. The page's mix diagnostics (`window.__wonMix`)
 * accumulate, per channel strip, the energy before the fader and after the ducking stage, and the
 * energy of the output's left and right sides; a measurement resets them, waits, and reads them
 * back as decibels. A `WireSpeaker` is a socket client that talks on a channel with packets that
 * are Opus as far as the TOC byte goes (one 20 ms CELT frame), as the load bench does: enough for
 * the browser's decoder to produce sound, without a browser per speaker.
 */
import { encodeAudioFrame, REALTIME_PATH } from "@won/protocol";
import type { Page } from "playwright-core";
import { WebSocket } from "ws";
import { SILENCE_PACKET as SILENCE } from "../../src/audio/frame-sequencer";

interface Energy {
  pre: number;
  post: number;
  readings: number;
}
interface Diag {
  channels: Record<string, Energy>;
  left: number;
  right: number;
  readings: number;
  reset(): void;
}

export interface Measurement {
  /** Per channel: output energy over input energy (dB), and the output's mean energy. */
  channels: Record<string, { gainDb: number; post: number; pre: number }>;
  /** Left side over right side of the whole output (dB). */
  leftOverRightDb: number;
  readings: number;
}

const db = (num: number, den: number) => 10 * Math.log10(Math.max(num, 1e-12) / Math.max(den, 1e-12));

/** Resets the diagnostics, waits `ms`, and reads what the page played meanwhile. */
export async function measure(page: Page, ms: number): Promise<Measurement> {
  await page.evaluate(() => (window as unknown as { __wonMix: Diag }).__wonMix.reset());
  await page.waitForTimeout(ms);
  const d = await page.evaluate(() => {
    const m = (window as unknown as { __wonMix: Diag }).__wonMix;
    return JSON.parse(
      JSON.stringify({ channels: m.channels, left: m.left, right: m.right, readings: m.readings }),
    );
  });
  const channels: Measurement["channels"] = {};
  for (const [id, e] of Object.entries(d.channels as Record<string, Energy>)) {
    const n = Math.max(1, e.readings);
    channels[id] = { gainDb: db(e.post, e.pre), post: e.post / n, pre: e.pre / n };
  }
  return { channels, leftOverRightDb: db(d.left, d.right), readings: d.readings };
}

/** A speaker on the wire: auth, subscribe, take the floor, stream 20 ms packets, let go. */
export class WireSpeaker {
  /** Timer ticks that came more than two frames late (this machine stalled the sender). */
  lateTicks = 0;
  /** Frames sent, and frames skipped because the sender was stalled. */
  sent = 0;
  skipped = 0;
  private seq = 0;
  private streamId = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private constructor(
    private readonly ws: WebSocket,
    private readonly channelId: string,
  ) {}

  static async open(base: string, token: string, channelId: string): Promise<WireSpeaker> {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}${REALTIME_PATH}`, { perMessageDeflate: false });
    await new Promise((ok, fail) => {
      ws.once("open", ok);
      ws.once("error", fail);
    });
    const s = new WireSpeaker(ws, channelId);
    await s.ask({ type: "auth", token }, (m) => m.type === "ready");
    await s.ask(
      { type: "subscribe", channelId },
      (m) => m.type === "subscribed" && m.channelId === channelId,
    );
    return s;
  }

  private ask(msg: object, done: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no answer to ${JSON.stringify(msg)}`)), 15_000);
      const on = (data: Buffer, binary: boolean) => {
        if (binary) return;
        const m = JSON.parse(String(data)) as Record<string, unknown>;
        if (m.type === "error" || m.type === "ptt.denied") {
          clearTimeout(timer);
          this.ws.off("message", on);
          fail(new Error(`${m.type}: ${m.code ?? m.reason}`));
        } else if (done(m)) {
          clearTimeout(timer);
          this.ws.off("message", on);
          ok(m);
        }
      };
      this.ws.on("message", on);
      this.ws.send(JSON.stringify(msg));
    });
  }

  /** Takes the floor and sends a packet every 20 ms until {@link stop}. Resolves once granted. */
  async talk(): Promise<void> {
    const g = await this.ask(
      { type: "ptt.start", channelId: this.channelId },
      (m) => m.type === "ptt.granted",
    );
    const streamId = g.streamId as number;
    this.streamId = streamId;
    this.seq = 0;
    const payload = new Uint8Array(80);
    payload[0] = 0xf8;
    let t = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - t > 40) this.lateTicks++;
      // A sender stalled by a busy machine skips what is stale (the seq gap tells the player)
      // instead of bursting it: the player is measured on what was sent, not on this stall.
      if (now - t > 60) {
        const stale = Math.floor((now - t) / 20) - 1;
        this.skipped += stale;
        this.seq += stale;
        t += stale * 20;
      }
      for (let i = 0; i < 3 && t <= now; i++, t += 20) {
        for (let k = 1; k < payload.length; k++) payload[k] = (Math.random() * 256) | 0;
        this.ws.send(encodeAudioFrame(streamId, this.seq++ & 0xffff, payload));
        this.sent++;
      }
    }, 20);
  }

  /**
   * Lets go as the web client does: the stream's last frame is a flagged 20 ms of Opus silence,
   * then `ptt.stop`.
   */
  async stop(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
      this.ws.send(encodeAudioFrame(this.streamId, this.seq++ & 0xffff, SILENCE, true));
      this.sent++;
    }
    this.timer = null;
    await this.ask({ type: "ptt.stop", channelId: this.channelId }, (m) => m.type === "ptt.stopped").catch(
      () => {},
    );
  }

  close() {
    this.ws.close();
  }
}
