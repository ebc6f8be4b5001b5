/**
 * The core flows on Firefox ESR (puppeteer-core over WebDriver BiDi), and Firefox ↔ Chromium in
 * both directions, against the embedded server. Every page must run without uncaught errors and
 * without Content-Security-Policy violations.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuthResult } from "@won/protocol";
import type { Browser as ChromiumBrowser } from "playwright-core";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { audio, decodedMs, holdTalk, person, playedMs } from "./harness/app";
import { launchChromium, newUser, until } from "./harness/browser";
import {
  clickButton,
  ffAudio,
  ffHoldTalk,
  fill,
  launchFirefox,
  newFirefoxUser,
  seeText,
} from "./harness/firefox";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

const hasFirefox = existsSync(process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr") && serverBuilt();

const sessionOf = (r: AuthResult) =>
  JSON.stringify({
    accessToken: r.accessToken,
    refreshToken: r.refreshToken,
    expiresAt: Date.now() + r.expiresIn * 1000,
    user: r.user,
  });

const onlineHas = (page: Page, name: string) =>
  until(`${name} online`, () =>
    page
      .$eval("[data-testid=online-list]", (el, n) => !!el.textContent?.includes(n), name)
      .catch(() => false),
  );

describe.skipIf(!hasFirefox)("Firefox ESR: core flows, and Firefox ↔ Chromium", () => {
  let tmp = "";
  let firefox: Browser | undefined;
  let chromium: ChromiumBrowser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-firefox-"));
    const wav = makeSpeechWav(tmp);
    server = await startServer({ DATA_DIR: join(tmp, "data"), DATABASE_URL: "", REDIS_URL: "" });
    [firefox, chromium] = await Promise.all([launchFirefox(), launchChromium(wav)]);
  }, 90_000);

  afterAll(async () => {
    await firefox?.close().catch(() => {});
    await chromium?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("register, sign in, join with a code, talk and hear, replay the recording, text, app shell", async () => {
    const url = server!.url;
    const A = person("fanny", "Fanny Fox");
    const a = await newFirefoxUser(firefox!, url);
    const bAuth = await apiRegister(url, person("felix", "Felix Fox"));
    const b = await newFirefoxUser(firefox!, url);
    try {
      await a.go("/register");
      await fill(a.page, "input[name=username]", A.username);
      await fill(a.page, "input[name=displayName]", A.displayName);
      await fill(a.page, "input[name=email]", A.email);
      await fill(a.page, "input[name=password]", A.password);
      await clickButton(a.page, "Create account");
      await seeText(a.page, "My events");
      const token = await a.page.evaluate(
        () => JSON.parse(localStorage.getItem("won.session.v1")!).accessToken as string,
      );
      const ev = await apiCreateEvent(url, token, "Fox event");
      const ch = await apiCreateChannel(url, token, ev.id, "Den");

      await b.go("/signin");
      await fill(b.page, "input[name=login]", bAuth.user.username);
      await fill(b.page, "input[name=password]", "correct horse battery");
      await b.page.locator("form button[type=submit]").click();
      await seeText(b.page, "My events");
      await fill(b.page, "input[name=code]", ev.inviteCode!);
      await b.page.locator("form:has(input[name=code]) button[type=submit]").click();
      await seeText(b.page, "Fox event");

      await a.go(`/channels/${ch.id}`);
      await b.go(`/channels/${ch.id}`);
      await onlineHas(a.page, "Felix Fox");
      await ffHoldTalk(a.page, 2_500);
      await until("B decodes A", async () => decodedMs(await ffAudio(b.page)) > 1_200, 10_000);
      const heard = await ffAudio(b.page);
      expect(heard.decoder).toBe("webcodecs");
      expect(playedMs(heard)).toBeGreaterThan(600);
      expect(heard.playedSumSq / heard.playedSamples).toBeGreaterThan(1e-4);
      expect((await ffAudio(a.page)).framesSent).toBeGreaterThan(60);

      await b.page.waitForSelector("[data-testid=timeline] [data-testid=audio-message]", { timeout: 15_000 });
      await b.page.locator("[data-testid=play-recording]").click();
      await until(
        "B replays the recording",
        async () => (await ffAudio(b.page)).recordingsPlayed > 0,
        10_000,
      );

      await fill(b.page, "#composer-input", "Fox den is clear");
      await b.page.locator("button[aria-label=Send]").click();
      await seeText(a.page, "Fox den is clear");

      const shell = await a.page.evaluate(async () => ({
        manifest: document.querySelector("link[rel=manifest]")?.getAttribute("href") ?? null,
        worker: (await navigator.serviceWorker.ready).active?.scriptURL ?? null,
      }));
      expect(shell).toEqual({ manifest: "/manifest.webmanifest", worker: `${url}/sw.js` });
      expect(a.problems).toEqual([]);
      expect(b.problems).toEqual([]);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }, 120_000);

  it("Firefox talks and Chromium hears, then the reverse", async () => {
    const url = server!.url;
    const fAuth = await apiRegister(url, person("fern", "Fern Firefox"));
    const ev = await apiCreateEvent(url, fAuth.accessToken, "Mixed pair");
    const ch = await apiCreateChannel(url, fAuth.accessToken, ev.id, "Mix");
    const cAuth = await apiRegister(url, person("cass", "Cass Chromium"));
    await apiJoin(url, cAuth.accessToken, ev.inviteCode!);
    const f = await newFirefoxUser(firefox!, url, undefined, sessionOf(fAuth));
    const c = await newUser(chromium!, url);
    try {
      await signInContext(c.context, cAuth);
      await f.go(`/channels/${ch.id}`);
      await c.page.goto(`/channels/${ch.id}`);
      await onlineHas(f.page, "Cass Chromium");

      await ffHoldTalk(f.page, 2_000);
      await until("Chromium decodes Firefox", async () => decodedMs(await audio(c.page)) > 1_200, 10_000);
      const inChromium = await audio(c.page);
      expect(playedMs(inChromium)).toBeGreaterThan(600);
      expect(inChromium.playedSumSq / inChromium.playedSamples).toBeGreaterThan(1e-4);

      await holdTalk(c.page, 2_000);
      await until("Firefox decodes Chromium", async () => decodedMs(await ffAudio(f.page)) > 1_200, 10_000);
      const inFirefox = await ffAudio(f.page);
      expect(playedMs(inFirefox)).toBeGreaterThan(600);
      expect(inFirefox.playedSumSq / inFirefox.playedSamples).toBeGreaterThan(1e-4);
      expect(f.problems).toEqual([]);
      expect(c.problems).toEqual([]);
      // The collector itself works in Firefox: an injected inline script is blocked and reported.
      // (Code evaluated by the test driver is exempt from the page's CSP, so eval cannot probe it.)
      await f.page.evaluate(() => {
        const probe = document.createElement("script");
        probe.textContent = "window.__probe = 1";
        document.head.append(probe);
      });
      await until("the CSP probe is reported", () => f.problems.some((p) => p.startsWith("csp:")), 5_000);
    } finally {
      await f.context.close();
      await c.context.close();
    }
  }, 90_000);
});
