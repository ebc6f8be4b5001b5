/**
 * Accessibility, checked by axe-core on every main screen — sign-in, register, password reset,
 * home, event, channel, settings — in the light and the dark theme, on a phone and on a desktop: no violation
 * of the WCAG 2.x A/AA rules or axe's best practices.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { AuthResult } from "@won/protocol";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiRegister, signInContext } from "./harness/api";
import { person, timelineHas } from "./harness/app";
import { DESKTOP, launchChromium, newUser, PHONE } from "./harness/browser";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

const THEMES = ["light", "dark"] as const;
/** The page background of each theme (styles.css), to tell that the theme asked for is shown. */
const BG = { light: "#f4f6fa", dark: "#0b1020" } as const;

const pageBg = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--bg").trim());

/** The violations on the page as "rule: target, target (help)" lines, for a readable failure. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: page as never })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  // axe ran its rules on this page (a page that failed to load would pass them all vacuously).
  expect(result.passes.length).toBeGreaterThan(10);
  return result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")} (${v.help})`,
  );
}

describe.skipIf(!serverBuilt())("accessibility (axe)", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  let auth: AuthResult;
  let screens: { name: string; path: string; ready: (p: Page) => Promise<unknown> }[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-a11y-"));
    server = await startServer({ DATA_DIR: join(tmp, "data"), DATABASE_URL: "", REDIS_URL: "" });
    browser = await launchChromium(makeSpeechWav(tmp));
    auth = await apiRegister(server.url, person("ally", "Ally Access"));
    const ev = await apiCreateEvent(server.url, auth.accessToken, "Harbour Festival");
    const ch = await apiCreateChannel(server.url, auth.accessToken, ev.id, "Gates");
    await fetch(`${server.url}/api/v1/channels/${ch.id}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${auth.accessToken}` },
      body: JSON.stringify({ body: "Gate 3 open", clientId: "a11y-1" }),
    });
    screens = [
      { name: "home", path: "/", ready: (p) => p.getByRole("heading", { name: "My events" }).waitFor() },
      { name: "event", path: `/events/${ev.id}`, ready: (p) => p.getByText("Gates").first().waitFor() },
      { name: "channel", path: `/channels/${ch.id}`, ready: (p) => timelineHas(p, "Gate 3 open") },
      {
        name: "settings",
        path: "/settings",
        ready: (p) => p.getByRole("heading", { name: "Settings" }).waitFor(),
      },
    ];
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  for (const theme of THEMES)
    it(`signed out, ${theme}: sign-in, register and password reset`, async () => {
      const u = await newUser(browser!, server!.url, PHONE);
      try {
        await u.page.emulateMedia({ colorScheme: theme });
        const found: string[] = [];
        for (const path of ["/signin", "/register", "/reset-password"]) {
          await u.page.goto(path);
          await u.page.getByLabel("Password").first().waitFor();
          expect(await pageBg(u.page)).toBe(BG[theme]);
          found.push(...(await violations(u.page)).map((v) => `${path} ${v}`));
        }
        expect(found).toEqual([]);
      } finally {
        await u.context.close();
      }
    });

  for (const theme of THEMES)
    for (const [device, viewport] of [
      ["phone", PHONE],
      ["desktop", DESKTOP],
    ] as const)
      it(`signed in, ${theme}, ${device}: home, event, channel, settings`, async () => {
        const u = await newUser(browser!, server!.url, viewport, { touch: device === "phone" });
        try {
          await signInContext(u.context, auth);
          await u.page.emulateMedia({ colorScheme: theme });
          const found: string[] = [];
          for (const s of screens) {
            await u.page.goto(s.path);
            await s.ready(u.page);
            await u.page.waitForTimeout(300);
            expect(await pageBg(u.page)).toBe(BG[theme]);
            found.push(...(await violations(u.page)).map((v) => `${s.name} ${v}`));
          }
          expect(found).toEqual([]);
        } finally {
          await u.context.close();
        }
      }, 60_000);
});
