/**
 * Emergency alerts, end to end on Chromium against the embedded server: a steward on a phone
 * (geolocation granted and placed) holds SOS on a channel screen; the organiser at a desk — on
 * home, subscribed to nothing — gets the full-screen alarm with distance and bearing, hears the
 * live hot mic, reloads and still has it, claims it (the steward sees who is coming), and
 * resolves it. A second steward with geolocation denied holds Space on the SOS control on
 * home: the alert still arrives, without a location; the organiser's reload brings the alarm back
 * from `ready` alone; the steward cancels it as a false alarm.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { audio, person, playedMs, waitSocketOpen } from "./harness/app";
import { DESKTOP, launchChromium, newUser, until } from "./harness/browser";
import { shoot } from "./harness/screens";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { apiAlerts, apiMakeModerator, pressSos } from "./harness/sos";
import { makeSpeechWav } from "./harness/speech";

/** The organiser's desk, and the steward ~100 m due north of it. */
const DESK = { latitude: 51.5, longitude: -0.12, accuracy: 10 };
const STEWARD_AT = { latitude: 51.5009, longitude: -0.12, accuracy: 8 };

describe.skipIf(!serverBuilt())("SOS: a steward's emergency alert reaches the organiser", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-sos-"));
    const wav = makeSpeechWav(tmp);
    // No escalations during the suite: after a reload, only `ready` can bring an alarm back.
    server = await startServer({
      DATA_DIR: join(tmp, "data"),
      DATABASE_URL: "",
      REDIS_URL: "",
      ALERT_ESCALATE_S: "600",
    });
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
    const stew = await apiRegister(base, person(`stew${tag}`, "Sam Steward"));
    await apiJoin(base, stew.accessToken, ev.inviteCode!);
    const o = await newUser(browser!, base, DESKTOP);
    const s = await newUser(browser!, base);
    await signInContext(o.context, org);
    await signInContext(s.context, stew);
    return { base, org, ev, gate, ops, stew, o, s };
  }

  it("hold on a phone → alarm with distance and live audio on the desk → survives reload → claimed, taken over → resolved", async () => {
    const { base, org, ev, gate, o, s } = await setup("a");
    const mod = await apiRegister(base, person("moda", "Mo Moderator"));
    await apiJoin(base, mod.accessToken, ev.inviteCode!);
    await apiMakeModerator(base, org.accessToken, ev.id, mod.user.id);
    const m = await newUser(browser!, base, DESKTOP);
    await signInContext(m.context, mod);
    try {
      await m.page.goto("/settings");
      await s.context.grantPermissions(["geolocation"], { origin: base });
      await s.context.setGeolocation(STEWARD_AT);
      await o.context.grantPermissions(["geolocation"], { origin: base });
      await o.context.setGeolocation(DESK);
      await o.page.goto("/");
      await waitSocketOpen(o.page);
      await s.page.goto(`/channels/${gate.id}`);
      await until("steward subscribed", () => s.page.getByTestId("online-list").isVisible());

      // A short press is a pocket, not an emergency: the countdown shows, letting go cancels.
      const letGo = await pressSos(s.page);
      await until(
        "countdown",
        async () => (await s.page.getByTestId("sos-button").textContent())?.includes("Keep holding"),
        1_500,
        20,
      );
      await s.page.waitForTimeout(400);
      await shoot(s.page, "14-sos-holding");
      await letGo();
      expect(await s.page.getByTestId("sos-button").getAttribute("data-state")).toBe("idle");
      await s.page.waitForTimeout(2_200);
      expect(await apiAlerts(base, org.accessToken, ev.id)).toEqual([]);

      // Held for 2 s: the alert goes out with the steward's position and the hot mic opens.
      const t0 = Date.now();
      const release = await pressSos(s.page);
      await s.page.getByTestId("sos-banner").waitFor({ timeout: 8_000 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900);
      await release();
      await s.page.getByTestId("hot-mic").getByText("live to staff").waitFor({ timeout: 8_000 });
      const [raised] = await apiAlerts(base, org.accessToken, ev.id);
      expect(raised).toMatchObject({
        channelId: gate.id,
        state: "open",
        location: { lat: STEWARD_AT.latitude },
      });

      // The organiser, on home and subscribed to nothing, is interrupted: who, where, and the voice.
      const alarm = o.page.getByTestId("alarm");
      await alarm.waitFor({ timeout: 8_000 });
      expect(await alarm.getByTestId("alarm-raiser").textContent()).toBe("Sam Steward");
      await alarm.getByText("# Gate").waitFor();
      await until(
        "distance and bearing",
        async () => (await alarm.getByTestId("alarm-distance").textContent()) === "100 m N of you",
        10_000,
      );
      expect(await alarm.getAttribute("data-sounding")).toBe("true");
      await alarm.getByTestId("alarm-live").waitFor({ timeout: 8_000 });
      const before = await audio(o.page);
      await until(
        "hot mic plays on the desk",
        async () => playedMs(await audio(o.page)) - playedMs(before) > 2_000,
        10_000,
      );
      const heard = await audio(o.page);
      expect(heard.playedSumSq / heard.playedSamples).toBeGreaterThan(1e-4);
      expect(await alarm.getByRole("link", { name: "Open map" }).getAttribute("href")).toContain(
        "mlat=51.500900",
      );
      // The steward learns the alarm is on someone's screen, before anyone claims it.
      await s.page
        .getByTestId("sos-received")
        .getByText(/on screen for [12] staff/)
        .waitFor({ timeout: 8_000 });
      await shoot(o.page, "15-sos-alarm");
      await shoot(s.page, "16-sos-sent");

      // A reload does not lose it (ready.openAlerts re-seeds the alarm).
      await o.page.reload();
      await alarm.waitFor({ timeout: 10_000 });
      // Not minimisable before someone claims it.
      expect(await alarm.getByRole("button", { name: "Minimise" }).count()).toBe(0);

      await alarm.getByRole("button", { name: "I'm responding" }).click();
      await until(
        "steward sees who is coming",
        async () => (await s.page.getByTestId("sos-claimed-by").textContent()) === "Olga Organiser",
        8_000,
      );
      await until(
        "tone stops once claimed",
        async () => (await alarm.getAttribute("data-sounding")) === "false",
        5_000,
      );
      await alarm.getByTestId("alarm-owner").getByText("you").waitFor();

      // Every staff member sees who owns it; the moderator (on Settings) takes over.
      const modAlarm = m.page.getByTestId("alarm");
      await modAlarm.getByTestId("alarm-owner").getByText("Olga Organiser").waitFor({ timeout: 8_000 });
      await modAlarm.getByRole("button", { name: "Take over" }).click();
      await until(
        "steward sees the new owner",
        async () => (await s.page.getByTestId("sos-claimed-by").textContent()) === "Mo Moderator",
        8_000,
      );
      await alarm.getByTestId("alarm-owner").getByText("Mo Moderator").waitFor({ timeout: 8_000 });

      // The hot mic's recording arrives on the alert; then the organiser minimises and resolves.
      await alarm.getByRole("button", { name: /Play recording 1/ }).waitFor({ timeout: 20_000 });
      await alarm.getByRole("button", { name: "Minimise" }).click();
      await o.page.getByTestId("alarm-bar").waitFor();
      expect(await alarm.count()).toBe(0);
      await o.page.getByTestId("alarm-bar").getByRole("button", { name: "Open" }).click();
      await alarm.getByLabel("Note (optional)").fill("Walked them to first aid");
      await alarm.getByRole("button", { name: "Resolved" }).click();
      await alarm.waitFor({ state: "detached", timeout: 8_000 });
      await s.page
        .getByTestId("sos-banner")
        .getByText("SOS resolved by Olga Organiser")
        .waitFor({ timeout: 8_000 });

      // The event's alert history shows how it went.
      await o.page.goto(`/events/${ev.id}`);
      await o.page.getByTestId("event-alerts-link").click();
      const item = o.page.getByTestId("alert-item").first();
      await item.getByText("Closed · resolved").waitFor({ timeout: 8_000 });
      await item.getByText(/Claimed by Mo Moderator/).waitFor();
      await item.getByText(/Closed \(resolved\) by Olga Organiser/).waitFor();
      await item.getByRole("button", { name: /Play recording 1/ }).waitFor();
      // The full trail: who had it on screen on which device, the take-over, the close.
      await item.getByText("Full trail").click();
      const trail = item.getByTestId("alert-audit");
      await trail
        .getByText(/On screen for Olga Organiser \(Linux computer · Chrome\)/)
        .waitFor({ timeout: 8_000 });
      await trail.getByText(/On screen for Mo Moderator/).waitFor();
      await trail.getByText(/Taken over by Mo Moderator/).waitFor();
      await trail.getByText("Resolved by Olga Organiser: Walked them to first aid").waitFor();
      await shoot(o.page, "17-alert-history", { fullPage: true });
      expect(o.problems).toEqual([]);
      expect(s.problems).toEqual([]);
      expect(m.problems).toEqual([]);
    } catch (e) {
      console.error(`--- server log ---\n${server?.log().slice(-4000)}`);
      throw e;
    } finally {
      await o.context.close();
      await s.context.close();
      await m.context.close();
    }
  }, 120_000);

  it("geolocation denied, raised from home: the alert still arrives without a location; the steward cancels it", async () => {
    const { base, org, ev, ops, o, s } = await setup("b");
    try {
      await s.context.clearPermissions();
      await o.page.goto(`/channels/${ops.id}`);
      await until("organiser on another channel", () => o.page.getByTestId("online-list").isVisible());
      await s.page.goto("/");
      await waitSocketOpen(s.page);
      await s.page.getByText(`Alert goes to Festival b`).waitFor();
      // Held with the keyboard this time: Space on the focused control.
      await s.page.getByTestId("sos-button").focus();
      await s.page.keyboard.down("Space");
      await s.page.getByTestId("sos-banner").waitFor({ timeout: 10_000 });
      await s.page.keyboard.up("Space");

      const alarm = o.page.getByTestId("alarm");
      await alarm.waitFor({ timeout: 8_000 });
      await alarm.getByText("No location shared").waitFor();
      const [raised] = await apiAlerts(base, org.accessToken, ev.id);
      expect(raised).toMatchObject({ channelId: null, location: null, state: "open" });
      expect(await alarm.getAttribute("data-sounding")).toBe("true");
      // From home the hot mic opens on a channel of the event all the same.
      await alarm.getByTestId("alarm-live").waitFor({ timeout: 8_000 });
      await alarm.getByRole("button", { name: /Play recording 1/ }).waitFor({ timeout: 20_000 });

      // Nothing changes the alert any more (no location, no escalation, the hot mic is over), so
      // the alarm that comes back after a reload can only come from the socket's `ready`.
      await o.page.reload();
      await waitSocketOpen(o.page);
      await alarm.getByRole("button", { name: /Play recording 1/ }).waitFor({ timeout: 3_000 });

      await s.page.getByRole("button", { name: "Cancel — false alarm" }).click();
      await s.page.getByRole("button", { name: "Yes, false alarm" }).click();
      await alarm.waitFor({ state: "detached", timeout: 8_000 });
      await s.page.getByText("SOS cancelled as a false alarm").waitFor();
      const [closed] = await apiAlerts(base, org.accessToken, ev.id);
      expect(closed).toMatchObject({ state: "closed", outcome: "false_alarm" });
    } catch (e) {
      console.error(`--- server log ---\n${server?.log().slice(-4000)}`);
      throw e;
    } finally {
      await o.context.close();
      await s.context.close();
    }
  }, 90_000);
});
