/**
 * Issue 5 "Done when", embedded mode (`npm start` with nothing configured): SQLite in a temp
 * DATA_DIR, in-process engines, one instance serving the built client, the API and the socket.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { launchChromium } from "./harness/browser";
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
    server = await startServer({ DATA_DIR: join(tmp, "data"), DATABASE_URL: "", REDIS_URL: "" });
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
});
