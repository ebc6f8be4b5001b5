/**
 * Messages that must be acknowledged, end to end on Chromium against the embedded server: the
 * organiser turns on "Require acknowledgement" and posts; two stewards see the message
 * highlighted with an Acknowledge button; one acknowledges (the highlight goes, and stays gone
 * after a reload); the organiser's count goes to 1/2 live, and who is pending names the other.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { person, sendText, timelineHas } from "./harness/app";
import { DESKTOP, launchChromium, newUser, until } from "./harness/browser";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

const TEXT = "All stewards: close the north gate";

describe.skipIf(!serverBuilt())("messages that must be acknowledged", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-acks-"));
    server = await startServer({ DATA_DIR: join(tmp, "data"), DATABASE_URL: "", REDIS_URL: "" });
    browser = await launchChromium(makeSpeechWav(tmp));
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("an organiser asks, one steward acknowledges, the organiser sees 1/2 and who is pending", async () => {
    const url = server!.url;
    const orgAuth = await apiRegister(url, person("olga", "Olga Organiser"));
    const ev = await apiCreateEvent(url, orgAuth.accessToken, "Harbour Festival");
    const ch = await apiCreateChannel(url, orgAuth.accessToken, ev.id, "Gates");
    const samAuth = await apiRegister(url, person("sam", "Sam Steward"));
    const tessAuth = await apiRegister(url, person("tess", "Tess Steward"));
    for (const a of [samAuth, tessAuth]) await apiJoin(url, a.accessToken, ev.inviteCode!);
    const o = await newUser(browser!, url, DESKTOP);
    const sam = await newUser(browser!, url);
    const tess = await newUser(browser!, url);
    try {
      await signInContext(o.context, orgAuth);
      await signInContext(sam.context, samAuth);
      await signInContext(tess.context, tessAuth);
      for (const p of [o, sam, tess]) await p.page.goto(`/channels/${ch.id}`);
      await until("everyone online", async () => {
        const online = o.page.getByTestId("online-list");
        return (
          (await online.getByText("Sam Steward").isVisible()) &&
          (await online.getByText("Tess Steward").isVisible())
        );
      });
      // Stewards are not offered the toggle; the organiser is.
      expect(await sam.page.getByTestId("require-ack").count()).toBe(0);
      await o.page.getByLabel("Require acknowledgement").check();
      await sendText(o.page, TEXT);

      const row = (p: typeof o) => p.page.getByTestId("timeline").locator(".msg", { hasText: TEXT });
      for (const s of [sam, tess]) {
        await timelineHas(s.page, TEXT);
        await row(s).getByTestId("ack-button").waitFor({ timeout: 10_000 });
        expect(await row(s).getAttribute("class")).toContain("ack-needed");
      }
      await until("0/2 on the organiser's screen", async () =>
        (await row(o).getByTestId("ack-tally").textContent())?.includes("0/2"),
      );
      expect(await row(o).getByTestId("ack-button").count()).toBe(0);

      await row(sam).getByTestId("ack-button").click();
      await until(
        "Sam's message no longer asks",
        async () => (await row(sam).getByTestId("ack-button").count()) === 0,
      );
      expect(await row(sam).getAttribute("class")).not.toContain("ack-needed");
      await row(sam).getByText("Acknowledged").waitFor();
      await until("1/2 on the organiser's screen", async () =>
        (await row(o).getByTestId("ack-tally").textContent())?.includes("1/2"),
      );
      // Tess still has to: her message stays highlighted.
      expect(await row(tess).getAttribute("class")).toContain("ack-needed");

      await row(o).getByTestId("ack-pending-toggle").click();
      const list = row(o).getByTestId("ack-list");
      await list.waitFor();
      await until("Tess pending, Sam acknowledged", async () => {
        const text = (await list.textContent()) ?? "";
        return /Pending:.*Tess Steward/.test(text) && /Acknowledged:.*Sam Steward/.test(text);
      });

      // After a reload Sam's acknowledgement is remembered, and the count with it.
      await sam.page.reload();
      await timelineHas(sam.page, TEXT);
      await row(sam).getByText("Acknowledged").waitFor({ timeout: 10_000 });
      expect(await row(sam).getByTestId("ack-button").count()).toBe(0);
      for (const p of [o, sam, tess]) expect(p.problems).toEqual([]);
    } finally {
      for (const p of [o, sam, tess]) await p.context.close();
    }
  });
});
