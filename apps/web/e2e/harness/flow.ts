/**
 * The core scenario, end to end, for two people on (possibly) two server instances:
 * A registers, creates an event and a channel, copies the code; B registers and joins with it;
 * both open the channel; A holds talk ~3 s and B hears it (decoded frames + signal energy) and sees
 * A talking; B's attempt to talk is denied with A's name; the recording shows in both timelines and
 * B replays it; text flows both ways; B drops offline, A posts, B returns and sees it; B signs out
 * and the socket is closed.
 */
import type { Browser } from "playwright-core";
import { expect } from "vitest";
import {
  audio,
  holdTalk,
  holdTalkKey,
  openChannelFromEvent,
  person,
  playedMs,
  register,
  sendText,
  socket,
  timelineHas,
  waitSocketOpen,
} from "./app";
import { DESKTOP, newUser, PHONE, until } from "./browser";
import { shoot } from "./screens";

export interface FlowOptions {
  browser: Browser;
  urlA: string;
  urlB: string;
  /** Save screenshots of each main screen (once per run is enough). */
  screenshots: boolean;
}

export async function runFlow({ browser, urlA, urlB, screenshots }: FlowOptions) {
  const a = await newUser(browser, urlA, DESKTOP);
  const b = await newUser(browser, urlB, PHONE);
  const A = person("alice", "Alice Control");
  const B = person("bob", "Bob Steward");
  const shot = screenshots ? shoot : async () => {};

  try {
    // ---------------------------------------------------------------- A: register, event, channel
    await a.page.goto("/signin");
    await a.page.getByRole("heading", { name: "Sign in" }).waitFor();
    await shot(a.page, "01-sign-in");
    await a.page.goto("/register");
    await a.page.getByRole("button", { name: "Create account" }).click(); // empty form → field errors
    await a.page.getByText("Must be at least 3 characters").first().waitFor();
    await shot(a.page, "02-register-errors");
    await register(a.page, A);
    await waitSocketOpen(a.page);

    await a.page.getByRole("link", { name: "New event" }).click();
    await a.page.getByLabel("Name").fill("Summer Festival");
    await a.page
      .getByLabel("Description", { exact: true })
      .fill("Main site, gates 1–5. Channel discipline: say who you are, then the message.");
    await shot(a.page, "04-create-event");
    await a.page.getByRole("button", { name: "Create event" }).click();
    await a.page.getByRole("heading", { name: "Summer Festival" }).waitFor();
    await a.page.getByLabel("Channel name").fill("Stewards");
    await a.page.getByRole("button", { name: "Create channel" }).click();
    await a.page.getByRole("link", { name: "# Stewards" }).waitFor();
    await a.page.getByText("New channel", { exact: true }).click();
    await a.page.getByLabel("Channel name").fill("Medical");
    await a.page.getByRole("button", { name: "Create channel" }).click();
    await a.page.getByRole("link", { name: "# Medical" }).waitFor();
    const code = await a.page.getByTestId("invite-code").getAttribute("data-code");
    expect(code).toMatch(/^[2-9A-Z]{8}$/);
    await a.page.getByRole("button", { name: "Copy code" }).click();
    await a.page.getByText("Copied the code").waitFor();
    expect(await a.page.evaluate(() => navigator.clipboard.readText())).toBe(code);

    // ---------------------------------------------------------------- B: register, join with the code
    // Server-side errors land on the right field / the form.
    await b.page.goto("/register");
    await b.page.getByLabel("Username", { exact: true }).fill(A.username);
    await b.page.getByLabel("Email").fill(B.email);
    await b.page.getByLabel("Password").fill(B.password);
    await b.page.getByRole("button", { name: "Create account" }).click();
    await b.page.getByText("This username is taken").waitFor();
    await b.page.goto("/signin");
    await b.page.getByLabel("Username or email").fill(A.username);
    await b.page.getByLabel("Password").fill("not the password");
    await b.page.getByRole("button", { name: "Sign in" }).last().click();
    await b.page.getByText("Wrong username, email or password.").waitFor();
    await register(b.page, B);
    await waitSocketOpen(b.page);
    await b.page.getByLabel("Invite code").fill(code!.toLowerCase());
    await shot(b.page, "03-home-join");
    await b.page.getByRole("button", { name: "Join", exact: true }).click();
    await b.page.getByRole("heading", { name: "Summer Festival" }).waitFor();
    await a.page.reload();
    await a.page.getByTestId("member-list").getByText("Bob Steward").waitFor();
    // Organiser tools: promote B, regenerate the code (the old one stops working).
    await a.page.getByLabel("Role of Bob Steward").selectOption("moderator");
    await until(
      "B is a moderator",
      async () => (await a.page.getByLabel("Role of Bob Steward").inputValue()) === "moderator",
    );
    await a.page.getByLabel("Role of Bob Steward").selectOption("participant");
    await until(
      "B is a participant again",
      async () => (await a.page.getByLabel("Role of Bob Steward").inputValue()) === "participant",
    );
    await a.page.getByRole("button", { name: "New code" }).click();
    // Replacing the code invalidates printed QR codes: the organiser confirms first.
    await a.page.getByRole("button", { name: "Yes, issue a new code" }).click();
    await until(
      "a fresh invite code",
      async () => (await a.page.getByTestId("invite-code").getAttribute("data-code")) !== code,
    );
    await shot(a.page, "05-event-organiser", { fullPage: true });

    // Edit the event's details.
    await a.page.getByRole("button", { name: "Edit" }).click();
    await a.page
      .getByLabel("Description", { exact: true })
      .fill("Main site, gates 1–5. Say who you are, then the message. Over.");
    await a.page.getByRole("button", { name: "Save" }).click();
    await a.page.getByText("Say who you are, then the message. Over.").waitFor();

    // ---------------------------------------------------------------- both open the channel
    await openChannelFromEvent(a.page, "Stewards");
    await openChannelFromEvent(b.page, "Stewards");
    await until("A sees B online", () =>
      a.page.getByTestId("online-list").getByText("Bob Steward").isVisible(),
    );
    await until("B sees A online", () =>
      b.page.getByTestId("online-list").getByText("Alice Control").isVisible(),
    );

    // ---------------------------------------------------------------- A talks ~3 s, B hears it and is denied
    const before = await audio(b.page);
    let sawSpeaker = false;
    await holdTalk(a.page, 3_000, async () => {
      await until(
        "B shows A talking",
        async () => (await b.page.getByTestId("speaker").textContent()) === "Alice Control",
        5_000,
      );
      sawSpeaker = true;
      await b.page
        .getByTestId("talk-button")
        .dispatchEvent("pointerdown", { button: 0, pointerId: 1, isPrimary: true });
      await until(
        "B denied with A's name",
        async () => ((await b.page.getByTestId("denied").textContent()) ?? "").includes("Alice Control"),
        5_000,
      );
      await b.page
        .getByTestId("talk-button")
        .dispatchEvent("pointerup", { button: 0, pointerId: 1, isPrimary: true });
    });
    expect(sawSpeaker).toBe(true);
    await until(
      "B's denial notice clears and the channel is free again",
      async () => (await b.page.getByTestId("talk-button").getAttribute("data-state")) === "idle",
      8_000,
    ).catch(async (e) => {
      console.error(
        "[e2e] B live state",
        JSON.stringify(
          await b.page.evaluate(() =>
            (window as unknown as { __wonRealtime: { live(): unknown } }).__wonRealtime.live(),
          ),
        ),
      );
      throw e;
    });
    await until(
      "B's player finishes the stream",
      async () => (await audio(b.page)).streamsEnded > before.streamsEnded,
      10_000,
    );
    const tx = await audio(a.page);
    const rx = await audio(b.page);
    const received = rx.framesDecoded - before.framesDecoded;
    console.log(
      "[e2e] sender tap",
      JSON.stringify(tx),
      "\n[e2e] listener tap",
      JSON.stringify(rx),
      JSON.stringify(await socket(b.page)),
    );
    expect(tx.capturedSamples / 48).toBeGreaterThan(2_000); // ~3 s held
    // Every frame crosses the network. Playback may skip some: when a starved machine stalls the
    // page for longer than the jitter buffer's 300 ms cap, the burst that follows is dropped
    // rather than played late (by design), so only require a good part of it to be heard.
    expect(received).toBeGreaterThanOrEqual(tx.framesSent * 0.95);
    expect(rx.framesPlayed - before.framesPlayed).toBeGreaterThan(received * 0.4);
    const rmsTx = Math.sqrt(tx.capturedSumSq / tx.capturedSamples);
    const rmsRx = Math.sqrt(
      (rx.playedSumSq - before.playedSumSq) / (rx.playedSamples - before.playedSamples),
    );
    expect(rmsTx).toBeGreaterThan(0.005);
    expect(rmsRx).toBeGreaterThan(rmsTx * 0.25);
    expect(rmsRx).toBeLessThan(rmsTx * 4);

    // Screenshots of talking / listening / denied, in a transmission of their own (resizing and
    // capturing pages stalls them, which would disturb the measurement above).
    if (screenshots) {
      await holdTalk(a.page, 500, async () => {
        await until(
          "B shows A talking again",
          async () => (await b.page.getByTestId("speaker").count()) > 0,
          5_000,
        );
        await shot(a.page, "06-channel-talking");
        await shot(b.page, "07-channel-listening");
        await b.page
          .getByTestId("talk-button")
          .dispatchEvent("pointerdown", { button: 0, pointerId: 1, isPrimary: true });
        await b.page.getByTestId("denied").waitFor({ timeout: 5_000 });
        await b.page
          .getByTestId("talk-button")
          .dispatchEvent("pointerup", { button: 0, pointerId: 1, isPrimary: true });
        await shot(b.page, "08-channel-denied");
      });
    }

    // ---------------------------------------------------------------- the recording in both timelines; B replays it
    await a.page.getByTestId("timeline").getByTestId("audio-message").first().waitFor({ timeout: 15_000 });
    await b.page.getByTestId("timeline").getByTestId("audio-message").first().waitFor({ timeout: 15_000 });
    await b.page.getByTestId("play-recording").first().click();
    await until("B replays the recording", async () => (await audio(b.page)).recordingsPlayed > 0, 10_000);

    // ---------------------------------------------------------------- text both ways
    await sendText(a.page, "Gate 3 is open, move the queue");
    await timelineHas(b.page, "Gate 3 is open, move the queue");
    await sendText(b.page, "Copy that, moving now");
    await timelineHas(a.page, "Copy that, moving now");
    await shot(b.page, "09-channel-timeline");

    // ---------------------------------------------------------------- B turns on auto-play of missed transmissions
    await b.page.getByRole("link", { name: "Settings" }).click();
    await b.page.getByLabel(/Auto-play missed transmissions/).check();
    await b.page.goBack();
    await b.page.getByTestId("talk-button").waitFor();
    await waitSocketOpen(b.page);
    const replayedBefore = (await audio(b.page)).recordingsPlayed;

    // ---------------------------------------------------------------- B offline; A posts and talks; B back sees and hears it
    await b.context.setOffline(true);
    await b.page.evaluate(() =>
      (window as unknown as { __wonRealtime: { drop(): void } }).__wonRealtime.drop(),
    );
    await until(
      "B shows the connection banner",
      () => b.page.locator(".banner[data-connection]").isVisible(),
      10_000,
    );
    await shot(b.page, "10-offline-banner");
    await sendText(a.page, "Missed this while you were offline");
    await timelineHas(a.page, "Missed this while you were offline");
    const audioCountA = await a.page.getByTestId("audio-message").count();
    await holdTalkKey(a.page, 1_500); // the keyboard path this time
    await until(
      "A's second recording",
      async () => (await a.page.getByTestId("audio-message").count()) > audioCountA,
      15_000,
    );
    await b.page.waitForTimeout(500);
    expect(await b.page.getByText("Missed this while you were offline").count()).toBe(0);
    await b.context.setOffline(false);
    await waitSocketOpen(b.page, 30_000);
    await timelineHas(b.page, "Missed this while you were offline", 15_000);
    expect((await socket(b.page)).stats.reconnects).toBeGreaterThanOrEqual(1);
    await until(
      "B's timeline has both recordings",
      async () => (await b.page.getByTestId("audio-message").count()) >= 2,
      10_000,
    );
    await until(
      "B auto-plays the missed transmission",
      async () => (await audio(b.page)).recordingsPlayed > replayedBefore,
      15_000,
    );

    // ---------------------------------------------------------------- monitoring: B listens to Stewards while on Medical
    await b.page.getByRole("button", { name: "Monitor" }).click();
    await b.page.getByRole("button", { name: "Monitoring" }).waitFor();
    await b.page.getByRole("link", { name: "Summer Festival" }).click();
    await openChannelFromEvent(b.page, "Medical");
    await b.page.getByRole("navigation", { name: "Monitored channels" }).getByText("# Stewards").waitFor();
    const beforeMonitor = await audio(b.page);
    await holdTalk(a.page, 1_500, async () => {
      await b.page
        .getByRole("navigation", { name: "Monitored channels" })
        .getByText("Alice Control", { exact: false })
        .waitFor({ timeout: 5_000 });
      await shot(b.page, "13-monitoring-another-channel");
    });
    await until(
      "B hears the monitored channel",
      async () => playedMs(await audio(b.page)) - playedMs(beforeMonitor) > 800,
      10_000,
    );
    // The selected channel stays free to talk on.
    expect(await b.page.getByTestId("talk-button").getAttribute("data-state")).toBe("idle");

    // ---------------------------------------------------------------- settings and sign out
    await b.page.getByRole("link", { name: "Settings" }).click();
    await b.page.getByRole("heading", { name: "Settings" }).waitFor();
    await shot(b.page, "11-settings", { fullPage: true });
    const bRefresh = await b.page.evaluate(
      () => JSON.parse(localStorage.getItem("won.session.v1")!).refreshToken as string,
    );
    await b.page.getByTestId("sign-out").click();
    await b.page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(b.page.url()).pathname).toBe("/signin");
    const after = await socket(b.page);
    expect(after.status).toBe("closed");
    expect(await b.page.evaluate(() => localStorage.getItem("won.session.v1"))).toBeNull();
    // The server revoked the session too: the old refresh token no longer works.
    const reuse = await fetch(`${urlB}/api/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: bRefresh }),
    });
    expect(reuse.status).toBe(401);
    await until(
      "A sees B leave",
      async () => !(await a.page.getByTestId("online-list").getByText("Bob Steward").isVisible()),
      15_000,
    );

    // Both pages ran without uncaught errors or CSP violations.
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);

    // Home screen of A, and the dark theme, for the record.
    if (screenshots) {
      await a.page.goto("/");
      await a.page.getByTestId("event-list").waitFor();
      await shot(a.page, "03b-home-organiser");
      await a.page.evaluate(() => {
        document.documentElement.dataset.theme = "dark";
      });
      await a.page.getByRole("link", { name: "Summer Festival" }).click();
      await openChannelFromEvent(a.page, "Stewards");
      await timelineHas(a.page, "Copy that, moving now");
      await a.page.evaluate(() => {
        document.documentElement.dataset.theme = "dark";
      });
      await shot(a.page, "12-channel-dark");
    }
  } finally {
    await a.context.close().catch(() => {});
    await b.context.close().catch(() => {});
  }
}
