/**
 * The channel screen on a steward's phone (390×844, touch): the talk button and the newest
 * message are on screen together — before and after scrolling, and with the composer focused —
 * in one scrolling timeline, with the live status always in view and no keyboard hint. On a
 * desktop the talk panel and the messages stand side by side.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiRegister, signInContext } from "./harness/api";
import { person, timelineHas } from "./harness/app";
import { DESKTOP, launchChromium, newUser, PHONE } from "./harness/browser";
import { shoot } from "./harness/screens";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

const MESSAGES = 30;

/** The element's whole box lies inside the viewport. */
async function inView(page: Page, l: Locator): Promise<boolean> {
  const box = await l.boundingBox();
  const vp = page.viewportSize()!;
  return (
    box !== null &&
    box.y >= 0 &&
    box.x >= 0 &&
    box.y + box.height <= vp.height &&
    box.x + box.width <= vp.width
  );
}

/** The element is not hidden behind the talk control or the composer (its centre is on top). */
const onTop = (l: Locator) =>
  l.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && (hit === el || el.contains(hit));
  });

async function expectTalkAndNewest(page: Page, newest: string) {
  const last = page.getByTestId("timeline").getByText(newest, { exact: true });
  expect(await inView(page, page.getByTestId("talk-button"))).toBe(true);
  expect(await inView(page, page.getByTestId("talk-status"))).toBe(true);
  expect(await inView(page, last)).toBe(true);
  expect(await onTop(last)).toBe(true);
}

describe.skipIf(!serverBuilt())("channel layout: phone and desktop", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  let channelPath = "";
  let auth: Awaited<ReturnType<typeof apiRegister>>;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-layout-"));
    server = await startServer({ DATA_DIR: join(tmp, "data"), DATABASE_URL: "", REDIS_URL: "" });
    browser = await launchChromium(makeSpeechWav(tmp));
    auth = await apiRegister(server.url, person("sam", "Sam Steward"));
    const ev = await apiCreateEvent(server.url, auth.accessToken, "Harbour Festival");
    const ch = await apiCreateChannel(server.url, auth.accessToken, ev.id, "Gates");
    for (let i = 1; i <= MESSAGES; i++) {
      const res = await fetch(`${server.url}/api/v1/channels/${ch.id}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${auth.accessToken}` },
        body: JSON.stringify({ body: `Gate report ${i}`, clientId: `seed-${i}` }),
      });
      if (!res.ok) throw new Error(`seed message ${i}: ${res.status}`);
    }
    channelPath = `/channels/${ch.id}`;
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("phone: talk button and newest message on screen together, one scroll, no key hint", async () => {
    const u = await newUser(browser!, server!.url, PHONE, { touch: true });
    try {
      await signInContext(u.context, auth);
      await u.page.goto(channelPath);
      await timelineHas(u.page, `Gate report ${MESSAGES}`);
      await u.page.waitForTimeout(300);
      await expectTalkAndNewest(u.page, `Gate report ${MESSAGES}`);

      // One scrolling timeline: the message list is not a scroll box of its own.
      const inner = await u.page
        .getByTestId("timeline")
        .evaluate(
          (el) => el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== "visible",
        );
      expect(inner).toBe(false);
      // No keyboard hint on a touch screen.
      expect(await u.page.getByText("Or press").isVisible()).toBe(false);

      // Scrolled up to the oldest messages, the talk control and the live status stay in view.
      await u.page.mouse.wheel(0, -20_000);
      await u.page.waitForTimeout(300);
      expect(await u.page.evaluate(() => window.scrollY)).toBeLessThan(50);
      expect(await inView(u.page, u.page.getByTestId("talk-button"))).toBe(true);
      expect(await inView(u.page, u.page.getByTestId("talk-status"))).toBe(true);
      // And back down: the newest message again beside the talk button.
      await u.page.mouse.wheel(0, 20_000);
      await u.page.waitForTimeout(300);
      await expectTalkAndNewest(u.page, `Gate report ${MESSAGES}`);

      // Writing: the composer, the newest message and the talk control are all in view.
      await u.page.getByLabel("Message", { exact: true }).focus();
      await u.page.waitForTimeout(300);
      expect(await inView(u.page, u.page.getByLabel("Message", { exact: true }))).toBe(true);
      await expectTalkAndNewest(u.page, `Gate report ${MESSAGES}`);
      // Send from the folded dock: the press lands (no layout jump), the message follows at the bottom.
      await u.page.getByLabel("Message", { exact: true }).fill("Gate 4 clear");
      await u.page.getByRole("button", { name: "Send" }).click();
      await timelineHas(u.page, "Gate 4 clear");
      await u.page.waitForTimeout(300);
      await expectTalkAndNewest(u.page, "Gate 4 clear");
      await shoot(u.page, "29-channel-writing");
    } finally {
      await u.context.close();
    }
  });

  it("desktop: the talk panel and the messages side by side", async () => {
    const u = await newUser(browser!, server!.url, DESKTOP);
    try {
      await signInContext(u.context, auth);
      await u.page.goto(channelPath);
      await timelineHas(u.page, `Gate report ${MESSAGES}`);
      await u.page.waitForTimeout(300);
      const talk = (await u.page.getByTestId("talk-button").boundingBox())!;
      const list = (await u.page.getByTestId("timeline").boundingBox())!;
      expect(talk.x + talk.width).toBeLessThan(list.x);
      await expectTalkAndNewest(u.page, `Gate report ${MESSAGES}`);
      // A keyboard: the hint is there.
      expect(await u.page.getByText("Or press").isVisible()).toBe(true);
    } finally {
      await u.context.close();
    }
  });
});
