/**
 * The audio paths beside the main one, on Chromium.
 *
 * Audio that cannot start must say so instead of hanging: a page whose AudioContext never resumes
 * (no output device, a phone whose audio session was taken) is refused the talk button with a
 * notice that names the failed part, gives the floor back, and as a listener asks for a tap
 * instead of scheduling voice on a clock that stands still.
 *
 * A browser without WebCodecs AudioEncoder talks through the WASM libopus encoder, and a
 * WebCodecs listener decodes its packets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIO_START_TIMEOUT_MS } from "../src/audio/audio-start";
import { apiCreateChannel, apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { audio, holdTalk, person } from "./harness/app";
import { launchChromium, newUser, until } from "./harness/browser";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

describe.skipIf(!serverBuilt())("audio paths: a start that hangs, the WASM encoder", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-audio-paths-"));
    const wav = makeSpeechWav(tmp);
    server = await startServer({ DATA_DIR: join(tmp, "data"), DATABASE_URL: "", REDIS_URL: "" });
    browser = await launchChromium(wav);
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("a context that never resumes: the talker is told within 3 s and the floor is free; the listener is asked to tap", async () => {
    const authS = await apiRegister(server!.url, person("stuck", "Stu Stuck"));
    const ev = await apiCreateEvent(server!.url, authS.accessToken, "No sound device");
    const ch = await apiCreateChannel(server!.url, authS.accessToken, ev.id, "Gate");
    const authN = await apiRegister(server!.url, person("norm", "Nora Normal"));
    await apiJoin(server!.url, authN.accessToken, ev.inviteCode!);
    const s = await newUser(browser!, server!.url);
    const n = await newUser(browser!, server!.url);
    try {
      await signInContext(s.context, authS);
      await signInContext(n.context, authN);
      await s.context.addInitScript(() => {
        // Every context is suspended at birth and resume() never settles.
        const Base = window.AudioContext;
        window.AudioContext = class extends Base {
          constructor(o?: AudioContextOptions) {
            super(o);
            void this.suspend();
          }
        };
        AudioContext.prototype.resume = () => new Promise<void>(() => {});
      });
      await s.page.goto(`/channels/${ch.id}`);
      await n.page.goto(`/channels/${ch.id}`);
      await until("both online", () =>
        s.page.getByTestId("online-list").getByText("Nora Normal").isVisible(),
      );

      const box = (await s.page.getByTestId("talk-button").boundingBox())!;
      await s.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      // Sound is off: the first tap on the talk button only tries to turn it on, no transmission.
      expect(await s.page.getByTestId("talk-button").getAttribute("aria-label")).toBe("Tap to turn sound on");
      await s.page.mouse.down();
      await s.page.mouse.up();
      await s.page.waitForTimeout(300);
      expect(await s.page.getByTestId("talk-button").getAttribute("data-state")).toBe("idle");
      // It stays off on this page, so the next press goes ahead and says what failed.
      const t0 = Date.now();
      await s.page.mouse.down();
      // The page gives up on the output after AUDIO_START_TIMEOUT_MS; the rest of the bound is
      // the browser drawing it on a loaded machine.
      const bound = AUDIO_START_TIMEOUT_MS + 1_500;
      await s.page.getByText("Audio output could not start").waitFor({ timeout: bound });
      expect(Date.now() - t0).toBeLessThan(bound);
      await s.page.mouse.up();
      // The floor was given back: the other steward can talk at once.
      await n.page.waitForTimeout(300);
      await holdTalk(n.page, 1_500);

      // The stuck page, as a listener: nothing scheduled on a stopped clock, a tap is asked for.
      await s.page.getByText("Someone is talking but sound is off").waitFor({ timeout: 5_000 });
      const t = await audio(s.page);
      expect(t.framesMissedSuspended).toBeGreaterThan(10);
      expect(t.framesPlayed).toBe(0);
      expect(t.framesDropped).toBe(0);
      expect(s.problems).toEqual([]);
      expect(n.problems).toEqual([]);
    } finally {
      await s.context.close();
      await n.context.close();
    }
  }, 60_000);

  it("no WebCodecs AudioEncoder: the talker encodes with WASM libopus and the listener decodes ≥ 95 % of the frames", async () => {
    const authA = await apiRegister(server!.url, person("wasa", "Wasa Encoder"));
    const ev = await apiCreateEvent(server!.url, authA.accessToken, "WASM encoder");
    const ch = await apiCreateChannel(server!.url, authA.accessToken, ev.id, "Ops");
    const authB = await apiRegister(server!.url, person("webb", "Webb Decoder"));
    await apiJoin(server!.url, authB.accessToken, ev.inviteCode!);
    const a = await newUser(browser!, server!.url);
    const b = await newUser(browser!, server!.url);
    try {
      await signInContext(a.context, authA);
      await signInContext(b.context, authB);
      await a.context.addInitScript(() => {
        // A browser without WebCodecs encoding (older Safari, Firefox for Android, some webviews).
        Reflect.deleteProperty(window, "AudioEncoder");
      });
      await a.page.goto(`/channels/${ch.id}`);
      await b.page.goto(`/channels/${ch.id}`);
      await until("both online", () =>
        a.page.getByTestId("online-list").getByText("Webb Decoder").isVisible(),
      );
      await holdTalk(a.page, 3_000);
      const sent = await until("A's transmission is over", async () => {
        const t = await audio(a.page);
        const idle = (await a.page.getByTestId("talk-button").getAttribute("data-state")) === "idle";
        return idle ? t.framesSent : 0;
      });
      const tx = await audio(a.page);
      expect(tx.encoder).toBe("wasm");
      // 3 s held: at least 2.4 s of it captured and sent (frames are 20, 40 or 60 ms as the link allows).
      expect(tx.capturedSamples / 48).toBeGreaterThan(2_400);
      expect(sent * tx.frameMs).toBeGreaterThanOrEqual(2_400);
      await until(
        "B has decoded the stream",
        async () => (await audio(b.page)).framesDecoded >= sent * 0.95,
        5_000,
      );
      const rx = await audio(b.page);
      expect(rx.decoder).toBe("webcodecs");
      expect(rx.playedSumSq / rx.playedSamples).toBeGreaterThan(1e-4);
      expect(a.problems).toEqual([]);
      expect(b.problems).toEqual([]);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }, 60_000);
});
