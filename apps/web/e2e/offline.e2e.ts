/**
 * Losing the network on a phone, on Chromium: texts written offline wait in the outbox, shown as
 * queued, and send themselves in order when the network is back; the other steward gets each
 * once. The talk button says why it cannot be used meanwhile.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { person, sendText, timelineHas } from "./harness/app";
import { launchChromium, newUser, until } from "./harness/browser";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

describe.skipIf(!serverBuilt())("offline: the text outbox", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-offline-"));
    server = await startServer({ DATA_DIR: join(tmp, "data"), DATABASE_URL: "", REDIS_URL: "" });
    browser = await launchChromium(makeSpeechWav(tmp));
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("queues texts written offline and sends them, in order and once each, when the network returns", async () => {
    const url = server!.url;
    const authA = await apiRegister(url, person("ana", "Ana Gate"));
    const ev = await apiCreateEvent(url, authA.accessToken, "Harbour Festival");
    const ch = await apiCreateChannel(url, authA.accessToken, ev.id, "Gates");
    const authB = await apiRegister(url, person("ben", "Ben Bar"));
    await apiJoin(url, authB.accessToken, ev.inviteCode!);
    const a = await newUser(browser!, url);
    const b = await newUser(browser!, url);
    try {
      await signInContext(a.context, authA);
      await signInContext(b.context, authB);
      await a.page.goto(`/channels/${ch.id}`);
      await b.page.goto(`/channels/${ch.id}`);
      await until("both online", () => a.page.getByTestId("online-list").getByText("Ben Bar").isVisible());

      await a.context.setOffline(true);
      await a.page.getByText("You're offline").waitFor({ timeout: 10_000 });
      expect(await a.page.getByTestId("talk-button").isDisabled()).toBe(true);
      await sendText(a.page, "Gate 3 closed");
      await sendText(a.page, "Use gate 4");
      const pending = a.page.getByTestId("pending-message");
      await until("both queued", async () => (await pending.count()) === 2);
      expect(await pending.first().textContent()).toContain("Queued");
      // Nothing reached the other phone.
      await b.page.waitForTimeout(500);
      expect(await b.page.getByTestId("timeline").getByText("Gate 3 closed").count()).toBe(0);

      await a.context.setOffline(false);
      await timelineHas(b.page, "Use gate 4", 15_000);
      await until("A's queue empty", async () => (await pending.count()) === 0, 10_000);
      const texts = await b.page.getByTestId("timeline").locator(".msg .body").allInnerTexts();
      const mine = texts.filter((t) => t === "Gate 3 closed" || t === "Use gate 4");
      expect(mine).toEqual(["Gate 3 closed", "Use gate 4"]);
      // A's own timeline shows each once, confirmed.
      const aTexts = await a.page.getByTestId("timeline").locator(".msg .body").allInnerTexts();
      expect(aTexts.filter((t) => t === "Gate 3 closed")).toHaveLength(1);
      expect(a.problems).toEqual([]);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  it("a reload with no network shows the saved channel and its messages, then catches up when back", async () => {
    const url = server!.url;
    const authA = await apiRegister(url, person("cara", "Cara Crew"));
    const ev = await apiCreateEvent(url, authA.accessToken, "Night Market");
    const ch = await apiCreateChannel(url, authA.accessToken, ev.id, "Stalls");
    const a = await newUser(browser!, url);
    try {
      await signInContext(a.context, authA);
      await a.page.goto(`/channels/${ch.id}`);
      await sendText(a.page, "Stall 12 needs power");
      await timelineHas(a.page, "Stall 12 needs power");
      // The service worker installs and caches the app shell (a second load goes through it).
      await a.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await a.page.reload();
      await timelineHas(a.page, "Stall 12 needs power");
      await a.page.waitForTimeout(1_500);

      await a.context.setOffline(true);
      await a.page.reload();
      await a.page.getByRole("heading", { name: "# Stalls" }).waitFor({ timeout: 10_000 });
      await timelineHas(a.page, "Stall 12 needs power");
      await a.page.getByText("You're offline").waitFor();
      expect(await a.page.getByText("Loading channel").count()).toBe(0);

      // Meanwhile someone posts; back online, the channel catches up.
      await fetch(`${url}/api/v1/channels/${ch.id}/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${authA.accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ body: "Power restored", clientId: crypto.randomUUID() }),
      });
      await a.context.setOffline(false);
      await timelineHas(a.page, "Power restored", 15_000);
      expect(a.problems).toEqual([]);
    } finally {
      await a.context.close();
    }
  });
});
