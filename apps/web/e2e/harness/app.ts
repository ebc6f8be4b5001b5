/** Steps a user takes in the app, written against labels and roles like a person would see them. */
import type { Page } from "playwright-core";
import type { AudioTap } from "../../src/audio/audio-tap";
import { until } from "./browser";

export interface Person {
  username: string;
  displayName: string;
  email: string;
  password: string;
}

export function person(tag: string, displayName: string): Person {
  const id = `${tag}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  return { username: id, displayName, email: `${id}@example.test`, password: "correct horse battery" };
}

export async function register(page: Page, p: Person) {
  await page.goto("/register");
  await page.getByLabel("Username", { exact: true }).fill(p.username);
  await page.getByLabel("Display name").fill(p.displayName);
  await page.getByLabel("Email").fill(p.email);
  await page.getByLabel("Password").fill(p.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "My events" }).waitFor({ timeout: 15_000 });
}

export async function signIn(page: Page, p: Person) {
  await page.goto("/signin");
  await page.getByLabel("Username or email").fill(p.username);
  await page.getByLabel("Password").fill(p.password);
  await page.getByRole("button", { name: "Sign in" }).last().click();
  await page.getByRole("heading", { name: "My events" }).waitFor({ timeout: 15_000 });
}

export const audio = (page: Page) =>
  page.evaluate((): AudioTap => ({ ...(window as unknown as { __wonAudio: AudioTap }).__wonAudio }));

/**
 * Milliseconds of live audio a page has played (queued to play): the measure to wait on, since a
 * speaker on a congested link sends 40 or 60 ms frames and a frame count would mean less audio.
 */
export const playedMs = (t: Pick<AudioTap, "playedSamples">) => t.playedSamples / 48;
/** Audio decoded (ms): frames are 20, 40 or 60 ms as the speaker's link allows. */
export const decodedMs = (t: Pick<AudioTap, "decodedSamples">) => t.decodedSamples / 48;

export const socket = (page: Page) =>
  page.evaluate(() => {
    const r = (window as unknown as { __wonRealtime: { status: string; stats: Record<string, number> } })
      .__wonRealtime;
    return { status: r.status, stats: { ...r.stats } };
  });

export async function waitSocketOpen(page: Page, timeoutMs = 15_000) {
  await until("socket open", async () => (await socket(page)).status === "open", timeoutMs);
}

export async function openChannelFromEvent(page: Page, channelName: string) {
  await page
    .getByRole("link", { name: `# ${channelName}` })
    .first()
    .click();
  await page.getByTestId("talk-button").waitFor();
  await until("channel subscribed", () => page.getByTestId("online-list").isVisible(), 15_000);
}

export async function sendText(page: Page, text: string) {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

export async function timelineHas(page: Page, text: string, timeoutMs = 10_000) {
  await page.getByTestId("timeline").getByText(text, { exact: true }).first().waitFor({ timeout: timeoutMs });
}

/** Holds the talk button with the mouse (pointer events) for `ms`. `during` runs while held. */
export async function holdTalk(page: Page, ms: number, during?: () => Promise<void>) {
  const box = await page.getByTestId("talk-button").boundingBox();
  if (!box) throw new Error("talk button not visible");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  const t0 = Date.now();
  await until(
    "floor granted",
    async () => (await page.getByTestId("talk-button").getAttribute("data-state")) === "talking",
    10_000,
    20,
  );
  if (during) await during();
  const left = ms - (Date.now() - t0);
  if (left > 0) await page.waitForTimeout(left);
  await page.mouse.up();
}

/** Holds the talk key (Space by default) for `ms`, with focus away from any text field. */
export async function holdTalkKey(page: Page, ms: number, key = "Space") {
  await page.getByTestId("talk-button").focus();
  await page.keyboard.down(key);
  await until(
    "floor granted (keyboard)",
    async () => (await page.getByTestId("talk-button").getAttribute("data-state")) === "talking",
    10_000,
    20,
  );
  await page.waitForTimeout(ms);
  await page.keyboard.up(key);
}

/**
 * Holds the talk button with a finger (CDP touch events → pointer events) for `ms`; returns the
 * button's state while held, or how far the page scrolled under the finger if it did.
 */
export async function holdTalkTouch(page: Page, ms: number) {
  const box = await page.getByTestId("talk-button").boundingBox();
  if (!box) throw new Error("talk button not visible");
  const point = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
  const cdp = await page.context().newCDPSession(page);
  const scrollY = () => page.evaluate(() => window.scrollY);
  const scrollBefore = await scrollY();
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await until(
    "floor granted (touch)",
    async () => (await page.getByTestId("talk-button").getAttribute("data-state")) === "talking",
    10_000,
    20,
  );
  // A finger drifting while held must neither scroll the page nor end the transmission.
  await cdp.send("Input.dispatchTouchEvent", {
    type: "touchMove",
    touchPoints: [{ x: point.x + 5, y: point.y - 40 }],
  });
  await page.waitForTimeout(ms);
  const held = await page.getByTestId("talk-button").getAttribute("data-state");
  const scrolled = (await scrollY()) - scrollBefore;
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
  return scrolled === 0 ? held : `scrolled by ${scrolled}px while held`;
}
