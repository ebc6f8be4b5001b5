/**
 * Debian's Firefox ESR driven by puppeteer-core over WebDriver BiDi (no driver or browser
 * download), with Firefox's fake microphone (a tone) and a mock audio backend, since the test
 * machine has no sound device and without one Firefox's AudioContext never resumes.
 * Each user gets a private browsing context in a window of its own: background tabs are throttled.
 */
import puppeteer, { type Browser, type BrowserContext, type Page } from "puppeteer-core";
import type { AudioTap } from "../../src/audio/audio-tap";
import { PHONE, until } from "./browser";

export function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath: process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr",
    headless: true,
    extraPrefsFirefox: {
      "media.navigator.streams.fake": true,
      "media.navigator.permission.disabled": true,
      "media.autoplay.default": 0,
      "media.autoplay.blocking_policy": 0,
      "media.cubeb.force_mock_context": true,
    },
  });
}

export interface FirefoxUser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and Content-Security-Policy violations seen by the page. */
  problems: string[];
  /** Opens a path of the app under test. */
  go: (path: string) => Promise<void>;
}

export async function newFirefoxUser(
  browser: Browser,
  baseURL: string,
  viewport = PHONE,
  session?: string,
): Promise<FirefoxUser> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage({ type: "window" });
  await page.setViewport(viewport);
  // Not every CSP violation reaches the driver as a page error: the page reports each one itself.
  await page.evaluateOnNewDocument(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "(inline)"}`),
    );
  });
  // Only on the app's own origin: the first about:blank document has no storage to write to.
  if (session)
    await page.evaluateOnNewDocument(
      (s: string, origin: string) => {
        if (location.origin === origin && !localStorage.getItem("won.session.v1"))
          localStorage.setItem("won.session.v1", s);
      },
      session,
      new URL(baseURL).origin,
    );
  const problems: string[] = [];
  page.on("pageerror", (e) => {
    const msg = e instanceof Error ? e.message : String(e);
    problems.push(`pageerror: ${msg}`);
    console.error(`[firefox page error ${baseURL}]`, msg);
  });
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|CSP violation/i.test(m.text()))
      problems.push(`csp: ${m.text()}`);
  });
  const go = async (path: string) => {
    await page.goto(new URL(path, baseURL).href);
  };
  return { context, page, problems, go };
}

/** Waits for visible text on the page. */
export async function seeText(page: Page, text: string, timeoutMs = 15_000) {
  await page.waitForSelector(`::-p-text(${text})`, { visible: true, timeout: timeoutMs });
}

export async function fill(page: Page, selector: string, value: string) {
  const el = await page.waitForSelector(selector, { visible: true });
  await el!.click({ count: 3 });
  await el!.type(value);
}

export async function clickButton(page: Page, name: string) {
  await page.locator(`button::-p-text(${name})`).click();
}

export const ffAudio = (page: Page) =>
  page.evaluate((): AudioTap => ({ ...(window as unknown as { __wonAudio: AudioTap }).__wonAudio }));

export const talkState = (page: Page) =>
  page.$eval("[data-testid=talk-button]", (el) => el.getAttribute("data-state"));

/** Holds the talk button with the mouse for `ms` once the floor is granted. */
export async function ffHoldTalk(page: Page, ms: number) {
  const el = await page.waitForSelector("[data-testid=talk-button]", { visible: true });
  const box = await el!.boundingBox();
  if (!box) throw new Error("talk button not visible");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await until("floor granted (firefox)", async () => (await talkState(page)) === "talking", 10_000, 20);
  await new Promise((r) => setTimeout(r, ms));
  await page.mouse.up();
}
