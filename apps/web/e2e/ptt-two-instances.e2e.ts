/**
 * The core scenario, production mode: MariaDB + Redis, two server instances, A's browser on one
 * and B's on the other. Needs `npm test` (TEST_MYSQL_URL, TEST_REDIS_URL) and a built server.
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiRegister, signInContext } from "./harness/api";
import { audio, decodedMs, person, sendText, socket, timelineHas, waitSocketOpen } from "./harness/app";
import { DESKTOP, launchChromium, newUser, PHONE, until } from "./harness/browser";
import { runFlow } from "./harness/flow";
import { createDatabase } from "./harness/mysql";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

const MYSQL = process.env.TEST_MYSQL_URL;
const REDIS = process.env.TEST_REDIS_URL;
const ready = !!MYSQL && !!REDIS && serverBuilt();

describe.skipIf(!ready)("web client against two instances (MariaDB + Redis)", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let db: { url: string; drop: () => Promise<void> } | undefined;
  const servers: RunningServer[] = [];
  let env: Record<string, string> | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-e2e-"));
    const wav = makeSpeechWav(tmp);
    db = await createDatabase(MYSQL!, "e2e_web");
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: REDIS!,
      REDIS_PREFIX: `e2eweb${randomBytes(4).toString("hex")}:`,
      JWT_SECRET: randomBytes(32).toString("hex"),
      DATA_DIR: tmp,
    };
    // One at a time: the first runs the migrations.
    servers.push(await startServer(env));
    servers.push(await startServer(env));
    browser = await launchChromium(wav);
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop().catch(() => {});
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("A talks, B hears live across instances, denial, recording replay, text, offline catch-up, sign out", async () => {
    try {
      await runFlow({ browser: browser!, urlA: servers[0]!.url, urlB: servers[1]!.url, screenshots: true });
    } catch (e) {
      for (const [i, s] of servers.entries())
        console.error(`--- server ${i} log ---\n${s.log().slice(-4000)}`);
      throw e;
    }
  }, 180_000);

  it("a signed-out steward follows a /join/CODE link; their instance restarts mid-transmission and they catch up", async () => {
    const [s0, s1] = servers;
    const A = person("ann", "Ann Control");
    const B = person("ben", "Ben Steward");
    const authA = await apiRegister(s0!.url, A);
    const ev = await apiCreateEvent(s0!.url, authA.accessToken, "Night Shift");
    const ch = await apiCreateChannel(s0!.url, authA.accessToken, ev.id, "Gates");
    const code = (
      await (
        await fetch(`${s0!.url}/api/v1/events/${ev.id}`, {
          headers: { authorization: `Bearer ${authA.accessToken}` },
        })
      ).json()
    ).inviteCode as string;

    const a = await newUser(browser!, s0!.url, DESKTOP);
    await signInContext(a.context, authA);
    const b = await newUser(browser!, s1!.url, PHONE);
    try {
      // B is signed out: the deep link goes through account creation and then joins.
      await b.page.goto(`/join/${code}`);
      await b.page.getByRole("heading", { name: "Sign in" }).waitFor();
      await b.page.getByRole("link", { name: "Create account" }).click();
      await b.page.getByLabel("Username", { exact: true }).fill(B.username);
      await b.page.getByLabel("Display name").fill(B.displayName);
      await b.page.getByLabel("Email").fill(B.email);
      await b.page.getByLabel("Password").fill(B.password);
      await b.page.getByRole("button", { name: "Create account" }).click();
      await b.page.getByRole("heading", { name: "Night Shift" }).waitFor({ timeout: 15_000 });

      await a.page.goto(`/channels/${ch.id}`);
      await b.page.goto(`/channels/${ch.id}`);
      await until("both online", () =>
        a.page.getByTestId("online-list").getByText("Ben Steward").isVisible(),
      );
      await waitSocketOpen(b.page);

      // A talks; B's instance goes down mid-transmission.
      const box = (await a.page.getByTestId("talk-button").boundingBox())!;
      await a.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await a.page.mouse.down();
      await until(
        "B hears A",
        async () => (await b.page.getByTestId("speaker").textContent()) === "Ann Control",
        10_000,
      );
      await until("frames reach B", async () => decodedMs(await audio(b.page)) > 400, 10_000);
      await s1!.stop();
      // B's live stream ends cleanly (no speaker shown, player closed) and the banner says why.
      await until(
        "B's stream ended",
        async () => {
          const t = await audio(b.page);
          return t.streamsEnded >= t.streamsStarted && (await b.page.getByTestId("speaker").count()) === 0;
        },
        10_000,
      );
      await b.page.locator(".banner[data-connection]").waitFor({ timeout: 10_000 });
      await a.page.waitForTimeout(800);
      await a.page.mouse.up();
      await sendText(a.page, "Posted while your server restarted");

      // The instance comes back on the same port; B reconnects with backoff and catches up.
      servers[1] = await startServer(env!, { port: s1!.port });
      await waitSocketOpen(b.page, 40_000);
      await timelineHas(b.page, "Posted while your server restarted", 15_000);
      await b.page.getByTestId("audio-message").first().waitFor({ timeout: 15_000 });
      const s = await socket(b.page);
      expect(s.stats.reconnects).toBeGreaterThanOrEqual(1);
      expect(s.stats.closeCodes).toContain(1012); // "server restarting", then refused attempts (1006)

      // The organiser removes B from the event: B's open channel closes (access.revoked) across instances.
      a.page.on("dialog", (d) => void d.accept());
      await a.page.goto(`/events/${ev.id}`);
      await a.page.getByRole("button", { name: "Remove Ben Steward" }).click();
      await until(
        "B leaves the member list",
        async () => (await a.page.getByTestId("member-list").getByText("Ben Steward").count()) === 0,
        10_000,
      );
      await b.page.getByRole("heading", { name: "My events" }).waitFor({ timeout: 10_000 });
      expect(new URL(b.page.url()).pathname).toBe("/");
    } finally {
      await a.context.close().catch(() => {});
      await b.context.close().catch(() => {});
    }
  }, 120_000);
});
