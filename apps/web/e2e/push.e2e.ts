/**
 * Alerts reach a closed app, on Chromium. The server pushes to a push service on 127.0.0.1 (the
 * real Web Push protocol: aes128gcm, VAPID); the test decrypts what arrived with the browser's
 * subscription keys and hands the plaintext to the organiser's service worker as a push event
 * (DevTools `ServiceWorker.deliverPushMessage`), which must show the notification; its click event
 * must take the open app to the page the push names.
 *
 * What this cannot cover here: a browser subscribing at a real push service (FCM, Mozilla's
 * autopush, Apple's) needs the internet. The subscription is therefore registered through the
 * API with the test's own keys, and the push service → browser leg is replaced by DevTools.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PushService } from "../../server/src/test/push-service";
import { apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { person } from "./harness/app";
import { DESKTOP, launchChromium, newUser, until } from "./harness/browser";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

describe.skipIf(!serverBuilt())("alerts when the app is closed (Web Push)", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  let service: PushService | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-push-"));
    service = await PushService.start();
    server = await startServer({
      DATA_DIR: join(tmp, "data"),
      DATABASE_URL: "",
      REDIS_URL: "",
      PUSH_ALLOW_LOOPBACK: "true",
    });
    browser = await launchChromium(makeSpeechWav(tmp));
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    await service?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("an SOS raised while the organiser's app is closed shows a notification from the service worker", async () => {
    const url = server!.url;
    const orgAuth = await apiRegister(url, person("olga", "Olga Organiser"));
    const ev = await apiCreateEvent(url, orgAuth.accessToken, "Harbour Festival");
    const stewardAuth = await apiRegister(url, person("sam", "Sam Steward"));
    await apiJoin(url, stewardAuth.accessToken, ev.inviteCode!);

    const org = await newUser(browser!, url, DESKTOP);
    try {
      await org.context.grantPermissions(["notifications"], { origin: url });
      await signInContext(org.context, orgAuth);
      await org.page.goto("/settings");
      await org.page.getByRole("heading", { name: "Alerts" }).waitFor();
      expect(await org.page.getByLabel("Notify me when the app is closed").isChecked()).toBe(false);
      const cdp = await org.context.newCDPSession(org.page);
      const registrations: { registrationId: string; scopeURL: string }[] = [];
      cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
      await cdp.send("ServiceWorker.enable");
      await org.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      const registration = await until("the service worker registration", () =>
        registrations.find((r) => r.scopeURL === `${url}/`),
      );

      // The organiser's browser subscription, registered for their session.
      const sub = service!.subscription("olga-desktop");
      const res = await fetch(`${url}/api/v1/me/push-subscriptions`, {
        method: "POST",
        headers: { authorization: `Bearer ${orgAuth.accessToken}`, "content-type": "application/json" },
        body: JSON.stringify(sub.toJSON()),
      });
      expect(res.status).toBe(201);
      // The app goes away (its socket closes): the organiser has nothing in view. The server
      // decides whom to push when the alert is raised, so wait until it has seen the close.
      await org.page.goto("about:blank");
      await until("the server saw the app's socket close", async () => {
        const metrics = await (await fetch(`${url}/metrics`)).text();
        return /^won_ws_connections 0$/m.test(metrics);
      });

      const raised = await fetch(`${url}/api/v1/events/${ev.id}/alerts`, {
        method: "POST",
        headers: { authorization: `Bearer ${stewardAuth.accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ note: "Man down by the main stage" }),
      });
      expect(raised.status).toBe(201);
      const alert = (await raised.json()) as { id: string };
      const push = await until("the push at the push service", () => service!.to("olga-desktop")[0], 10_000);
      const payload = sub.decrypt(push!) as { type: string; title: string; url: string };
      expect(payload.type).toBe("alert.raised");

      await cdp.send("ServiceWorker.deliverPushMessage", {
        origin: url,
        registrationId: registration!.registrationId,
        data: JSON.stringify(payload),
      });
      await org.page.goto("/settings");
      const shown = await until("the notification", () =>
        org.page
          .evaluate(async () => {
            const reg = await navigator.serviceWorker.ready;
            const list = await reg.getNotifications();
            return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
          })
          .then((list) => (list.length ? list : null)),
      );
      expect(shown).toEqual([
        {
          title: "SOS — Sam Steward",
          body: "Man down by the main stage · No location · Tap to respond",
          tag: `alert-${alert.id}`,
          data: { url: `/events/${ev.id}` },
        },
      ]);

      // A tap on it takes the open app to the event. (DevTools cannot click a system
      // notification; the service worker is handed the click event for that notification.)
      const [worker] = org.context.serviceWorkers();
      await worker!.evaluate(async () => {
        const sw = self as unknown as {
          registration: { getNotifications(): Promise<unknown[]> };
          dispatchEvent(e: Event): boolean;
          NotificationEvent: new (type: string, init: { notification: unknown }) => Event;
        };
        const [n] = await sw.registration.getNotifications();
        try {
          sw.dispatchEvent(new sw.NotificationEvent("notificationclick", { notification: n }));
        } catch {
          // waitUntil refuses a dispatched (untrusted) event; the handler's work has started.
        }
      });
      await org.page.waitForURL(`**/events/${ev.id}`, { timeout: 10_000 });
    } finally {
      await org.context.close();
    }
  });
});
