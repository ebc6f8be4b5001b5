/**
 * Targeted talk, end to end on Chromium against the embedded server. A direct call: the organiser
 * taps Call on a steward's member row and talks; the steward, on another channel, hears it with
 * the call banner, taps Reply and answers, and the organiser hears the answer; a text in the call
 * shows as unread on the steward's home. An all-call: the organiser confirms and holds the
 * all-call button, and two stewards on two other channels hear it, marked ALL-CALL. Patches: the
 * organiser patches two channels on the event screen; a steward on one of them sees the link
 * appear and go live, without reloading.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { audio, holdTalk, person, playedMs, sendText, waitSocketOpen } from "./harness/app";
import { DESKTOP, launchChromium, newUser, until } from "./harness/browser";
import { shoot } from "./harness/screens";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

/** Waits until `page` has played `ms` more of live audio than when called. */
async function hears(page: Page, what: string, during: () => Promise<void>, ms = 800) {
  const before = playedMs(await audio(page));
  await during();
  await until(what, async () => playedMs(await audio(page)) - before >= ms, 10_000);
}

async function onChannel(page: Page, channelId: string) {
  await page.goto(`/channels/${channelId}`);
  await until("subscribed", () => page.getByTestId("online-list").isVisible(), 15_000);
}

/** Holds the all-call button with the mouse for `ms`; `during` runs while on air. */
async function holdAllCall(page: Page, ms: number, during: () => Promise<void>) {
  const button = page.getByTestId("all-call-button");
  await button.scrollIntoViewIfNeeded();
  const box = await button.boundingBox();
  if (!box) throw new Error("all-call button not visible");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  const t0 = Date.now();
  await until(
    "all-call granted",
    async () => (await button.getAttribute("data-state")) === "talking",
    10_000,
    20,
  ).catch(async (e) => {
    console.log("all-call not granted:", await page.getByTestId("talk-status").textContent());
    throw e;
  });
  await during();
  const left = ms - (Date.now() - t0);
  if (left > 0) await page.waitForTimeout(left);
  await page.mouse.up();
}

describe.skipIf(!serverBuilt())("targeted talk: direct calls, all-call, patches", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-targeted-"));
    const wav = makeSpeechWav(tmp);
    server = await startServer({ DATA_DIR: join(tmp, "data"), DATABASE_URL: "", REDIS_URL: "" });
    browser = await launchChromium(wav);
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function setup(tag: string) {
    const base = server!.url;
    const org = await apiRegister(base, person(`org${tag}`, "Olga Organiser"));
    const ev = await apiCreateEvent(base, org.accessToken, `Festival ${tag}`);
    const gate = await apiCreateChannel(base, org.accessToken, ev.id, "Gate");
    const ops = await apiCreateChannel(base, org.accessToken, ev.id, "Ops");
    const medical = await apiCreateChannel(base, org.accessToken, ev.id, "Medical");
    const sam = await apiRegister(base, person(`sam${tag}`, "Sam Steward"));
    const tia = await apiRegister(base, person(`tia${tag}`, "Tia Steward"));
    await apiJoin(base, sam.accessToken, ev.inviteCode!);
    await apiJoin(base, tia.accessToken, ev.inviteCode!);
    const o = await newUser(browser!, base, DESKTOP);
    const s = await newUser(browser!, base);
    const t = await newUser(browser!, base);
    await signInContext(o.context, org);
    await signInContext(s.context, sam);
    await signInContext(t.context, tia);
    const close = () => Promise.all([o, s, t].map((u) => u.context.close()));
    return { ev, gate, ops, medical, o, s, t, close };
  }

  it("a direct call reaches a steward on another channel, who replies from the banner", async () => {
    const { ev, gate, o, s, close } = await setup("d");
    try {
      await onChannel(s.page, gate.id);
      await o.page.goto(`/events/${ev.id}`);
      await o.page.getByRole("button", { name: /^Call Sam Steward/ }).click();
      await o.page.getByRole("heading", { name: "Call with Sam Steward" }).waitFor({ timeout: 10_000 });
      await until("organiser subscribed", () => o.page.getByTestId("online-list").isVisible());
      // No invite code, member tools or Leave in a call.
      expect(await o.page.getByText(/invite code/i).count()).toBe(0);
      expect(await o.page.getByRole("button", { name: /Leave/ }).count()).toBe(0);

      const banner = s.page.getByTestId("call-banner");
      await hears(s.page, "the steward hears the call", () =>
        holdTalk(o.page, 2_500, async () => {
          await banner.getByText("📞 Olga Organiser is calling you").waitFor({ timeout: 8_000 });
          await shoot(s.page, "21-call-banner");
        }),
      );
      expect((await audio(s.page)).cues.directCall ?? 0).toBeGreaterThanOrEqual(1);

      await banner.getByRole("button", { name: "Reply" }).click();
      await s.page.getByRole("heading", { name: "Call with Olga Organiser" }).waitFor({ timeout: 10_000 });
      await until("steward subscribed to the call", () => s.page.getByTestId("online-list").isVisible());
      expect(await banner.count()).toBe(0);
      await hears(o.page, "the organiser hears the reply", () => holdTalk(s.page, 2_500));
      await shoot(s.page, "22-direct-channel");

      // Away from the call, its messages count as unread on home.
      await s.page.goto("/");
      const row = s.page.getByTestId("direct-calls").getByRole("link", { name: /Olga Organiser/ });
      await row.waitFor({ timeout: 10_000 });
      await waitSocketOpen(s.page);
      await sendText(o.page, "Come to gate 3");
      await until(
        "unread on home",
        async () => (await row.getByTestId("unread").textContent()) === "1 unread",
      );
    } finally {
      await close();
    }
  }, 120_000);

  it("an all-call reaches stewards on two other channels", async () => {
    const { gate, ops, medical, o, s, t, close } = await setup("a");
    try {
      await onChannel(s.page, gate.id);
      await onChannel(t.page, ops.id);
      await onChannel(o.page, medical.id);
      await o.page.getByRole("button", { name: "📢 All-call" }).click();
      const confirm = o.page.getByTestId("all-call-confirm");
      await confirm
        .getByText("Talk to everyone in Festival a? 2 people will hear you, on every channel.")
        .waitFor();
      await shoot(o.page, "23-all-call-confirm");
      await confirm.getByRole("button", { name: "Start all-call" }).click();

      const [sBefore, tBefore] = [playedMs(await audio(s.page)), playedMs(await audio(t.page))];
      await holdAllCall(o.page, 3_000, async () => {
        for (const p of [s.page, t.page]) await p.getByTestId("all-call-tag").waitFor({ timeout: 8_000 });
        expect(await s.page.getByTestId("talk-status").textContent()).toContain("ALL-CALL · Olga Organiser");
        await shoot(t.page, "24-all-call-heard");
      });
      await until("both stewards hear it", async () => {
        const [a, b] = [await audio(s.page), await audio(t.page)];
        return playedMs(a) - sBefore >= 800 && playedMs(b) - tBefore >= 800;
      });
    } finally {
      await close();
    }
  }, 120_000);

  it("patching channels shows the link on the event and, live, on a patched channel", async () => {
    const { ev, gate, o, s, close } = await setup("p");
    try {
      await onChannel(s.page, gate.id);
      await o.page.goto(`/events/${ev.id}`);
      const patches = o.page.getByTestId("patches");
      await patches.getByLabel("# Gate").check();
      await patches.getByLabel("# Medical").check();
      await patches.getByRole("button", { name: "Patch" }).click();
      await patches.getByTestId("patch-list").getByText("Gate ⛓ Medical").waitFor({ timeout: 8_000 });
      const list = o.page.getByTestId("channel-list");
      await list.getByText("⛓ patched with Medical").waitFor();
      await list.getByText("⛓ patched with Gate").waitFor();
      await shoot(o.page, "25-patched-channels");

      // The steward on Gate sees it arrive over the socket, and go again on Unpatch.
      const note = s.page.getByTestId("patch-note");
      await until(
        "patch shown live",
        async () => (await note.textContent()) === "⛓ patched with Medical",
        8_000,
      );
      await shoot(s.page, "26-patched-channel");
      await patches.getByRole("button", { name: "Unpatch" }).click();
      await note.waitFor({ state: "detached", timeout: 8_000 });
    } finally {
      await close();
    }
  }, 120_000);
});
