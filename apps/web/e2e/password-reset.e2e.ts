/**
 * Password reset without email, end to end on Chromium against the embedded server: the
 * organiser issues a one-time code from the event's member list and sees it once in a dialog; a
 * steward on a 360 px phone uses "Forgot password?" with it and lands signed in, while the page
 * they were signed in on before is signed out.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { person } from "./harness/app";
import { DESKTOP, launchChromium, newUser, until } from "./harness/browser";
import { shoot } from "./harness/screens";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

const SMALL_PHONE = { width: 360, height: 740 };

describe.skipIf(!serverBuilt())("password reset codes", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-reset-"));
    server = await startServer({ DATA_DIR: join(tmp, "data"), DATABASE_URL: "", REDIS_URL: "" });
    browser = await launchChromium(makeSpeechWav(tmp));
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("an organiser issues a code, the steward uses it on a phone and is signed in", async () => {
    const url = server!.url;
    const orgAuth = await apiRegister(url, person("olga", "Olga Organiser"));
    const ev = await apiCreateEvent(url, orgAuth.accessToken, "Harbour Festival");
    const sam = person("sam", "Sam Steward");
    const samAuth = await apiRegister(url, sam);
    await apiJoin(url, samAuth.accessToken, ev.inviteCode!);

    const o = await newUser(browser!, url, DESKTOP);
    const before = await newUser(browser!, url);
    const phone = await newUser(browser!, url, SMALL_PHONE);
    try {
      await signInContext(o.context, orgAuth);
      await signInContext(before.context, samAuth);
      await before.page.goto("/");
      await before.page.getByRole("heading", { name: "My events" }).waitFor({ timeout: 15_000 });

      await o.page.goto(`/events/${ev.id}`);
      const members = o.page.getByTestId("member-list");
      await members.getByText("Sam Steward").waitFor({ timeout: 15_000 });
      // Not offered on the organiser's own row.
      expect(await members.getByRole("button", { name: /^Reset password of Olga/ }).count()).toBe(0);
      o.page.once("dialog", (d) => d.accept());
      await members.getByRole("button", { name: /^Reset password of Sam Steward/ }).click();
      const dialog = o.page.getByRole("dialog", { name: "Reset code for Sam Steward" });
      await dialog.waitFor({ timeout: 10_000 });
      const code = ((await dialog.getByTestId("reset-code").textContent()) ?? "").trim();
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$/);
      await dialog.getByText("Read it to Sam Steward. It works once, for 30 minutes.").waitFor();
      await shoot(o.page, "30-password-reset-code", { sizes: [["phone", SMALL_PHONE]] });
      await dialog.getByRole("button", { name: "Done" }).click();
      // The mutation's reset re-renders a task later (the query library batches with a timer).
      await dialog.waitFor({ state: "detached", timeout: 5_000 });
      expect(await o.page.getByRole("dialog").count()).toBe(0);

      await phone.page.goto("/signin");
      await phone.page.getByRole("link", { name: "Forgot password?" }).click();
      await phone.page.getByText("Ask an organiser of your event for a reset code").waitFor();
      await phone.page.getByLabel("Username or email").fill(sam.username);
      // Typed as heard: lower case, spaces for the dashes.
      await phone.page.getByLabel("Reset code").fill(code.toLowerCase().replace(/-/g, " "));
      await phone.page.getByLabel("New password").fill("a brand new passphrase");
      await phone.page.getByRole("button", { name: "Set password and sign in" }).click();
      await phone.page.getByRole("heading", { name: "My events" }).waitFor({ timeout: 15_000 });
      await phone.page.getByRole("link", { name: /Harbour Festival/ }).waitFor();
      const overflow = await phone.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(1);

      // The page Sam was signed in on before ends up at the sign-in screen.
      await until(
        "the earlier session signed out",
        async () => {
          if (!before.page.url().endsWith("/signin") && !before.page.url().includes("/signin?"))
            await before.page.reload();
          return before.page.url().includes("/signin");
        },
        20_000,
        1_000,
      );
      await before.page.getByRole("heading", { name: "Sign in" }).waitFor();

      // The code worked once.
      const again = await fetch(`${url}/api/v1/auth/password-reset`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login: sam.username, code, password: "yet another passphrase" }),
      });
      expect(again.status).toBe(400);
      for (const p of [o, before, phone]) expect(p.problems).toEqual([]);
    } finally {
      for (const p of [o, before, phone]) await p.context.close();
    }
  });
});
