// One build under test: an embedded Operation Won server serving that build's web client, a
// speaker and a listener (each a Chromium in its own network namespace), both signed in and in
// the same channel; `transmit()` holds the real talk button and brings back both probes'
// recordings and the app's audio counters.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { installProbe } from "./probe.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const HIGH = "1000000";
const PHONE = { width: 390, height: 844 };

/** Polls `fn` until truthy or `timeoutMs` passes (then throws naming `what`). */
export async function until(what, fn, timeoutMs = 15_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve()
      .then(fn)
      .catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** An embedded server (SQLite, memory engines) on 0.0.0.0:port serving `webDist`. */
export async function startEmbedded(webDist, port) {
  const dataDir = mkdtempSync(join(os.tmpdir(), "won-link-data-"));
  const child = spawn(process.execPath, [join(ROOT, "apps/server/dist/main.js")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "0.0.0.0",
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      REDIS_URL: "",
      WEB_DIST_DIR: webDist,
      LOG_LEVEL: "warn",
      ACCESS_TOKEN_TTL_S: "86400",
      MAX_TRANSMISSION_MS: "600000",
      RATE_LOGIN_PER_IP: HIGH,
      RATE_REGISTER_PER_IP: HIGH,
      RATE_JOIN_PER_USER: HIGH,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d) => (err = (err + d).slice(-4_000)));
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise((resolve) => {
      const done = () => {
        rmSync(dataDir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
      child.once("exit", () => {
        clearTimeout(t);
        done();
      });
      child.kill("SIGTERM");
    });
  try {
    await until(
      "the embedded server's /readyz",
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${err}`);
        return (await fetch(`${base}/readyz`)).status === 200;
      },
      60_000,
    );
  } catch (e) {
    await stop();
    throw new Error(`${e.message}${err ? `: ${err.trim().slice(-500)}` : ""}`);
  }
  return { base, port, pid: child.pid, stop, log: () => err };
}

async function post(base, path, body, token) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

/** Speaker (organiser) and listener, an event, one channel, the listener joined by code. */
export async function seedPair(base) {
  const tag = Date.now().toString(36);
  const reg = (who) =>
    post(base, "/auth/register", {
      username: `${who}${tag}`,
      email: `${who}${tag}@bench.test`,
      password: "bench-password-123",
      displayName: who === "spk" ? "Link Speaker" : "Link Listener",
    });
  const speaker = await reg("spk");
  const listener = await reg("lis");
  const ev = await post(base, "/events", { name: "Link bench" }, speaker.accessToken);
  const ch = await post(base, "/channels", { name: "Live", eventId: ev.id }, speaker.accessToken);
  const { inviteCode } = await post(base, `/events/${ev.id}/invite-code`, {}, speaker.accessToken);
  await post(base, "/join", { code: inviteCode }, listener.accessToken);
  return { speaker, listener, channelId: ch.id };
}

/**
 * Opens one page in its namespace: Chromium through `wrapper`, the app at `origin` (an
 * http:// address of the veth, declared secure so the microphone and AudioWorklet work), the
 * session put in localStorage, the probe injected, the channel open and the socket up.
 */
export async function openPage({ wrapper, origin, wav, auth, channelId, role, maxS }) {
  const browser = await chromium.launch({
    executablePath: wrapper,
    timeout: 30_000,
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
      `--unsafely-treat-insecure-origin-as-secure=${origin}`,
    ],
  });
  try {
    const context = await browser.newContext({
      baseURL: origin,
      viewport: PHONE,
      permissions: ["microphone"],
      // The probe's worklet module is a Blob URL, which the app's CSP would refuse.
      bypassCSP: true,
    });
    const session = {
      accessToken: auth.accessToken,
      refreshToken: auth.refreshToken,
      expiresAt: Date.now() + auth.expiresIn * 1000,
      user: auth.user,
    };
    await context.addInitScript((s) => {
      if (!localStorage.getItem("won.session.v1")) localStorage.setItem("won.session.v1", s);
    }, JSON.stringify(session));
    await context.addInitScript(installProbe, { role, maxS });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`/channels/${channelId}`);
    await page.getByTestId("talk-button").waitFor();
    // A first gesture, as a person would make (a key no screen binds): unlocks audio output
    // where the browser wants one.
    await page.keyboard.press("Shift");
    await waitSocket(page, 20_000);
    return { browser, page };
  } catch (e) {
    await browser.close().catch(() => {});
    throw e;
  }
}

export const waitSocket = (page, timeoutMs) =>
  until(
    "the page's socket open",
    () => page.evaluate(() => window.__wonRealtime?.status === "open"),
    timeoutMs,
    100,
  );

const pageNow = (page) => page.evaluate(() => performance.timeOrigin + performance.now());
const counters = (page) =>
  page.evaluate(() => (window.__wonAudio ? JSON.parse(JSON.stringify(window.__wonAudio)) : null));

/**
 * One transmission of `speechMs`: resets both probes, holds the speaker's talk button until the
 * floor is granted and for `speechMs` after, releases it, waits `drainMs`, and returns the
 * probes' recordings, the grant/release instants (wall ms) and both pages' counters before/after.
 */
export async function transmit(speaker, listener, { speechMs, drainMs }) {
  const pages = [speaker.page, listener.page];
  await Promise.all(pages.map((p) => p.evaluate(() => window.__linkProbe.reset())));
  const before = await Promise.all(pages.map(counters));
  await sleep(300);
  const button = speaker.page.getByTestId("talk-button");
  const box = await button.boundingBox();
  if (!box) throw new Error("talk button not visible");
  await speaker.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await speaker.page.mouse.down();
  let granted;
  let released;
  try {
    await until(
      "the floor granted",
      async () => (await button.getAttribute("data-state")) === "talking",
      10_000,
      20,
    );
    granted = await pageNow(speaker.page);
    await sleep(speechMs);
    released = await pageNow(speaker.page);
  } finally {
    await speaker.page.mouse.up();
  }
  await sleep(drainMs);
  const after = await Promise.all(pages.map(counters));
  const [mouth, ear] = await Promise.all(pages.map((p) => p.evaluate(() => window.__linkProbe.take())));
  return {
    mouth,
    ear,
    granted,
    released,
    counters: { speaker: [before[0], after[0]], listener: [before[1], after[1]] },
  };
}
