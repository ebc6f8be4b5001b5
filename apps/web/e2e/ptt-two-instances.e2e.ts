/**
 * Issue 5 "Done when", production mode: MariaDB + Redis, two server instances, A's browser on one
 * and B's on the other. Needs `npm test` (TEST_MYSQL_URL, TEST_REDIS_URL) and a built server.
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { launchChromium } from "./harness/browser";
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

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-e2e-"));
    const wav = makeSpeechWav(tmp);
    db = await createDatabase(MYSQL!, "e2e_web");
    const env = {
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
});
