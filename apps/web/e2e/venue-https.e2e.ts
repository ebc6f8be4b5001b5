/**
 * A laptop at a venue: `TLS_SELF_SIGNED=true` serves HTTPS/WSS with a certificate it made for
 * itself, and two phones open it under a LAN name. Chromium trusts that one certificate by its
 * public key hash (as a phone's user accepts it once), so the pages are secure contexts: the
 * microphone and the Opus encoder work, one phone talks and the other hears.
 */
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuthResult, Channel, Event } from "@won/protocol";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInContext } from "./harness/api";
import { audio, decodedMs, holdTalkTouch, person } from "./harness/app";
import { launchChromium, newUser, PHONE, until } from "./harness/browser";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

/** The name the phones use; Chromium resolves it to this machine. */
const VENUE_HOST = "venue.test";

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo (Chromium's SPKI pin format). */
function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

/** POST over https to 127.0.0.1, trusting exactly the server's certificate. */
function post<T>(base: string, ca: string, path: string, body: unknown, token?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/api/v1${path}`,
      {
        method: "POST",
        ca,
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () =>
          (res.statusCode ?? 500) < 300
            ? resolve(JSON.parse(text) as T)
            : reject(new Error(`${path}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe.skipIf(!serverBuilt())("a venue laptop serving HTTPS with a self-signed certificate", () => {
  let tmp = "";
  let cert = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-venue-"));
    const wav = makeSpeechWav(tmp);
    const dataDir = join(tmp, "data");
    server = await startServer(
      { DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", TLS_SELF_SIGNED: "true" },
      { tls: true },
    );
    cert = readFileSync(join(dataDir, "tls-cert.pem"), "utf8");
    browser = await launchChromium(wav, [
      `--ignore-certificate-errors-spki-list=${spkiSha256(cert)}`,
      `--host-resolver-rules=MAP ${VENUE_HOST} 127.0.0.1`,
    ]);
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("two phones at https://venue.test: one talks, the other hears", async () => {
    const api = server!.url;
    const venue = `https://${VENUE_HOST}:${server!.port}`;
    const authA = await post<AuthResult>(api, cert, "/auth/register", person("vera", "Vera Venue"));
    const ev = await post<Event>(api, cert, "/events", { name: "Harbour night" }, authA.accessToken);
    const ch = await post<Channel>(
      api,
      cert,
      "/channels",
      { name: "Gate", eventId: ev.id },
      authA.accessToken,
    );
    const authB = await post<AuthResult>(api, cert, "/auth/register", person("vic", "Vic Phone"));
    await post(api, cert, "/join", { code: ev.inviteCode }, authB.accessToken);

    const a = await newUser(browser!, venue, PHONE, { touch: true });
    const b = await newUser(browser!, venue, PHONE, { touch: true });
    try {
      await signInContext(a.context, authA);
      await signInContext(b.context, authB);

      // The organiser's event page tells phones the address it is open at, over https.
      await a.page.goto(`/events/${ev.id}`);
      await a.page.getByTestId("phone-address").getByText(venue).waitFor({ timeout: 15_000 });

      await a.page.goto(`/channels/${ch.id}`);
      await b.page.goto(`/channels/${ch.id}`);
      expect(await a.page.evaluate(() => window.isSecureContext)).toBe(true);
      expect(await a.page.getByTestId("insecure-context").count()).toBe(0);
      await until("both online", () => a.page.getByTestId("online-list").getByText("Vic Phone").isVisible());

      expect(await holdTalkTouch(a.page, 2_000)).toBe("talking");
      await until("B hears A", async () => decodedMs(await audio(b.page)) > 1_200, 10_000);
      const heard = await audio(b.page);
      expect(heard.playedSumSq / heard.playedSamples).toBeGreaterThan(1e-4);
      expect(a.problems).toEqual([]);
      expect(b.problems).toEqual([]);
    } catch (e) {
      console.error(`--- server log ---\n${server?.log().slice(-4000)}`);
      throw e;
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }, 90_000);
});
