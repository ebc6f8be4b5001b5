/**
 * The core scenario, embedded mode (`npm start` with nothing configured): SQLite in a temp
 * DATA_DIR, in-process engines, one instance serving the built client, the API and the socket.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { audio, decodedMs, holdTalkTouch, person, register, socket, waitSocketOpen } from "./harness/app";
import { launchChromium, newUser, until } from "./harness/browser";
import { runFlow } from "./harness/flow";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

describe.skipIf(!serverBuilt())("web client against the embedded server (SQLite, one process)", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-embedded-"));
    const wav = makeSpeechWav(tmp);
    // Short-lived access tokens: the client must refresh them (and re-auth its socket) mid-flow.
    server = await startServer({
      DATA_DIR: join(tmp, "data"),
      DATABASE_URL: "",
      REDIS_URL: "",
      ACCESS_TOKEN_TTL_S: "30",
    });
    browser = await launchChromium(wav);
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("the whole flow works on one embedded instance", async () => {
    try {
      await runFlow({
        browser: browser!,
        urlA: server!.url,
        urlB: server!.url,
        screenshots: !process.env.TEST_MYSQL_URL,
      });
    } catch (e) {
      console.error(`--- server log ---\n${server?.log().slice(-4000)}`);
      throw e;
    }
  }, 180_000);

  it("is an installable PWA: manifest, icons, an app-shell service worker that never caches the API", async () => {
    const manifest = await (await fetch(`${server!.url}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ name: "Operation Won", display: "standalone", start_url: "/" });
    for (const icon of manifest.icons as { src: string }[]) {
      expect((await fetch(`${server!.url}${icon.src}`)).status).toBe(200);
    }
    const { context, page } = await newUser(browser!, server!.url);
    try {
      await page.goto("/signin");
      const sw = await page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready;
        return reg.active?.scriptURL ?? null;
      });
      expect(sw).toBe(`${server!.url}/sw.js`);
      await page.reload();
      await until(
        "the page is controlled by the worker",
        () => page.evaluate(() => !!navigator.serviceWorker.controller),
        10_000,
      );
      const cached = await page.evaluate(async () => {
        const keys: string[] = [];
        for (const name of await caches.keys()) {
          for (const req of await (await caches.open(name)).keys()) keys.push(new URL(req.url).pathname);
        }
        return keys;
      });
      expect(cached).toContain("/");
      expect(cached.some((p) => p.startsWith("/assets/"))).toBe(true);
      expect(cached.filter((p) => p.startsWith("/api/"))).toEqual([]);
      // Offline, the shell still opens.
      await context.setOffline(true);
      await page.reload();
      await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 10_000 });
    } finally {
      await context.close();
    }
  }, 60_000);

  it("a finger on the talk button on one phone; the other plays it through the WASM Opus decoder (no WebCodecs AudioDecoder)", async () => {
    const authA = await apiRegister(server!.url, person("wanda", "Wanda Talker"));
    const ev = await apiCreateEvent(server!.url, authA.accessToken, "Fallback check");
    const ch = await apiCreateChannel(server!.url, authA.accessToken, ev.id, "Ops");
    const authB = await apiRegister(server!.url, person("walt", "Walt Listener"));
    await apiJoin(server!.url, authB.accessToken, ev.inviteCode!);
    const a = await newUser(browser!, server!.url, undefined, { touch: true });
    const b = await newUser(browser!, server!.url);
    try {
      await signInContext(a.context, authA);
      await signInContext(b.context, authB);
      await b.context.addInitScript(() => {
        // A browser without WebCodecs decoding (older Safari, some embedded webviews).
        Reflect.deleteProperty(window, "AudioDecoder");
      });
      await a.page.goto(`/channels/${ch.id}`);
      await b.page.goto(`/channels/${ch.id}`);
      await until("both online", () =>
        a.page.getByTestId("online-list").getByText("Walt Listener").isVisible(),
      );
      // A talks with a finger this time: no scrolling while held (a new message may scroll the
      // timeline into view afterwards), no text selection, no context menu.
      expect(await holdTalkTouch(a.page, 2_000)).toBe("talking");
      expect(await a.page.evaluate(() => window.getSelection()?.toString() ?? "")).toBe("");
      await until("B decodes with WASM", async () => decodedMs(await audio(b.page)) > 1_200, 10_000);
      const t = await audio(b.page);
      expect(t.decoder).toBe("wasm");
      expect(t.playedSumSq / t.playedSamples).toBeGreaterThan(1e-4);
      expect(b.problems).toEqual([]);

      // The channel admin makes B listen-only; B's talk button says so.
      await a.page.getByText("Channel tools").click();
      const walt = a.page
        .getByTestId("channel-members")
        .getByRole("listitem")
        .filter({ hasText: "Walt Listener" });
      await walt.getByLabel("Can talk").uncheck();
      await until("saved", async () => !(await walt.getByLabel("Can talk").isChecked()), 5_000);
      await b.page.reload();
      await b.page.getByText("Listen only").waitFor({ timeout: 10_000 });
      expect(await b.page.getByTestId("talk-button").isDisabled()).toBe(true);

      // The organiser deletes the event: B, still on the channel, is taken home (channel.deleted).
      a.page.on("dialog", (d) => void d.accept());
      await a.page.goto(`/events/${ev.id}`);
      await a.page.getByRole("button", { name: "Delete event" }).click();
      await a.page.getByRole("heading", { name: "My events" }).waitFor({ timeout: 10_000 });
      await b.page.getByRole("heading", { name: "My events" }).waitFor({ timeout: 10_000 });
      expect(await b.page.getByText("Fallback check").count()).toBe(0);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }, 60_000);

  it("a standalone channel: created from home, its own invite code joins B straight into it", async () => {
    const authA = await apiRegister(server!.url, person("sol", "Sol Organiser"));
    const authB = await apiRegister(server!.url, person("sam", "Sam Steward"));
    const a = await newUser(browser!, server!.url);
    const b = await newUser(browser!, server!.url);
    try {
      await signInContext(a.context, authA);
      await signInContext(b.context, authB);
      await a.page.goto("/");
      await a.page.getByText("Create a standalone channel").click();
      await a.page.getByLabel("Channel name").fill("Car park");
      await a.page.getByRole("button", { name: "Create channel" }).click();
      await a.page.getByRole("heading", { name: "# Car park" }).waitFor();
      await a.page.getByText("Channel tools").click();
      const code = await a.page.getByTestId("invite-code").getAttribute("data-code");
      expect(code).toMatch(/^[2-9A-Z]{8}$/);

      await b.page.goto("/");
      await b.page.getByLabel("Invite code").fill(`${code!.slice(0, 4)}-${code!.slice(4)}`);
      await b.page.getByRole("button", { name: "Join", exact: true }).click();
      await b.page.getByRole("heading", { name: "# Car park" }).waitFor();
      await until("A sees B online", () =>
        a.page.getByTestId("online-list").getByText("Sam Steward").isVisible(),
      );
      await b.page.goto("/");
      await b.page.getByRole("link", { name: "# Car park" }).waitFor();
      expect(a.problems).toEqual([]);
      expect(b.problems).toEqual([]);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }, 60_000);

  it("refreshes the access token before it expires and re-authenticates the live socket", async () => {
    const { context, page } = await newUser(browser!, server!.url);
    try {
      await register(page, person("carol", "Carol Refresh"));
      await waitSocketOpen(page);
      const token = () =>
        page.evaluate(() => JSON.parse(localStorage.getItem("won.session.v1")!).accessToken as string);
      const first = await token();
      const t0 = Date.now();
      await until("the token is refreshed", async () => (await token()) !== first, 40_000, 500);
      // Past the first token's expiry (30 s) the socket is still the same, never closed with 4401.
      await page.waitForTimeout(Math.max(0, 33_000 - (Date.now() - t0)));
      const s = await socket(page);
      expect(s.status).toBe("open");
      expect(s.stats.closed).toBe(0);
      expect(s.stats.opened).toBe(1);
      // And REST keeps working with the rotated tokens.
      await page.getByRole("link", { name: "New event" }).click();
      await page.getByLabel("Name").fill("After refresh");
      await page.getByRole("button", { name: "Create event" }).click();
      await page.getByRole("heading", { name: "After refresh" }).waitFor();
    } finally {
      await context.close();
    }
  }, 90_000);
});
