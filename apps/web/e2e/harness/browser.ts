/** Debian's Chromium driven by playwright-core, with a fake microphone fed from a WAV file. */
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** `extraArgs`: more Chromium switches (e.g. host resolver rules, a trusted self-signed SPKI). */
export function launchChromium(wav: string, extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
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
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      "--autoplay-policy=no-user-gesture-required",
      `--use-file-for-fake-audio-capture=${wav}`,
      ...extraArgs,
    ],
  });
}

export async function newUser(
  browser: Browser,
  baseURL: string,
  viewport = PHONE,
  opts: { touch?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    baseURL,
    viewport,
    hasTouch: opts.touch ?? false,
    isMobile: opts.touch ?? false,
    permissions: ["microphone", "clipboard-read", "clipboard-write"],
  });
  // Every engine fires `securitypolicyviolation`; not every one logs it to the console (Chromium
  // records a blocked eval probe silently), so the page reports each one itself.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "(inline)"}`),
    );
  });
  const page = await context.newPage();
  // Uncaught exceptions and Content-Security-Policy violations are collected so a test can
  // assert the app runs clean under the server's real headers.
  const problems: string[] = [];
  page.on("pageerror", (e) => {
    problems.push(`pageerror: ${e.message}`);
    console.error(`[page error ${baseURL}]`, e.message);
  });
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|CSP violation/i.test(m.text()))
      problems.push(`csp: ${m.text()}`);
  });
  return { context, page, problems };
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function until<T>(
  what: string,
  fn: () => Promise<T> | T,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
