/**
 * The phone in a pocket, on Chromium: toggle talk with its LIVE state and the server's hard cap;
 * media keys, Media Session actions and a learned Bluetooth key; sleep and wake with the missed
 * traffic caught up and the missed voice queued behind live voice; a hidden page that keeps
 * playing and notifies; radio mode with its lock.
 *
 * What headless Chromium cannot do, and how the tests stand in for it:
 * - Every page reports `visibilityState: "visible"` (minimising the window, another tab in
 *   front, a background target: none hides it), and `Page.setWebLifecycleState("frozen")` is
 *   ignored for a visible page (its timers keep running). So hiding is emulated in the page
 *   (`visibilityState` overridden, `visibilitychange` dispatched), and a freeze is the `freeze` /
 *   `resume` events the browser would fire, with the network cut meanwhile as a sleeping phone's is.
 * - Hardware media keys reach the Media Session in the browser process, not through DevTools
 *   input. Key events (`MediaPlayPause`) go through the page; the session's handlers are captured
 *   as the app registers them and invoked as the browser would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import {
  audio,
  decodedMs,
  holdTalk,
  person,
  playedMs,
  socket,
  timelineHas,
  waitSocketOpen,
} from "./harness/app";
import { launchChromium, newUser, until } from "./harness/browser";
import { shoot } from "./harness/screens";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

const MAX_TRANSMISSION_MS = 12_000;

/** Device settings before the app loads (the store merges them over its defaults). */
async function presetSettings(context: BrowserContext, state: Record<string, unknown>) {
  await context.addInitScript(
    (s) => {
      if (!localStorage.getItem("won.settings.v1")) localStorage.setItem("won.settings.v1", s);
    },
    JSON.stringify({ state, version: 0 }),
  );
}

const talkState = (page: Page, testId = "talk-button") => page.getByTestId(testId).getAttribute("data-state");

async function waitState(page: Page, state: string, timeoutMs = 10_000, testId = "talk-button") {
  await until(`talk button ${state}`, async () => (await talkState(page, testId)) === state, timeoutMs, 20);
}

describe.skipIf(!serverBuilt())("the phone in a pocket", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-pocket-"));
    const wav = makeSpeechWav(tmp);
    server = await startServer({
      DATA_DIR: join(tmp, "data"),
      DATABASE_URL: "",
      REDIS_URL: "",
      MAX_TRANSMISSION_MS: String(MAX_TRANSMISSION_MS),
    });
    browser = await launchChromium(wav);
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Two stewards in one event with two channels, each signed in in their own browser context. */
  async function pair(
    tag: string,
    settingsA: Record<string, unknown>,
    settingsB: Record<string, unknown> = {},
  ) {
    const url = server!.url;
    const authA = await apiRegister(url, person(`${tag}a`, "Alice Control"));
    const ev = await apiCreateEvent(url, authA.accessToken, `Pocket ${tag}`);
    const ch = await apiCreateChannel(url, authA.accessToken, ev.id, "Gate");
    const ch2 = await apiCreateChannel(url, authA.accessToken, ev.id, "Medical");
    const authB = await apiRegister(url, person(`${tag}b`, "Bob Steward"));
    await apiJoin(url, authB.accessToken, ev.inviteCode!);
    const a = await newUser(browser!, url);
    const b = await newUser(browser!, url);
    await signInContext(a.context, authA);
    await signInContext(b.context, authB);
    await presetSettings(a.context, settingsA);
    await presetSettings(b.context, settingsB);
    const close = async () => {
      await a.context.close();
      await b.context.close();
    };
    return { a, b, ch, ch2, authA, close };
  }

  async function openBoth(a: Page, b: Page, channelId: string) {
    await a.goto(`/channels/${channelId}`);
    await b.goto(`/channels/${channelId}`);
    await until("both online", () => a.getByTestId("online-list").getByText("Bob Steward").isVisible());
  }

  it("toggle mode: tap on shows LIVE and pulses, tap off stops; left on, the server's cap ends it", async () => {
    const { a, b, ch, close } = await pair("tg", { pttMode: "toggle" });
    try {
      await openBoth(a.page, b.page, ch.id);
      const button = a.page.getByTestId("talk-button");
      await button.click();
      await waitState(a.page, "talking");
      await a.page.getByText("LIVE — tap to stop").waitFor();
      expect(await button.getAttribute("data-latched")).toBe("true");
      expect(await button.textContent()).toContain("LIVE");
      await a.page.waitForTimeout(1_500);
      await button.click();
      await waitState(a.page, "idle");
      await until("B heard the first transmission", async () => (await audio(b.page)).streamsEnded >= 1);
      expect(decodedMs(await audio(b.page))).toBeGreaterThan(800);
      // B was chirped; A, the speaker, was not.
      expect((await audio(b.page)).cues.incoming).toBe(1);
      expect((await audio(a.page)).cues.incoming).toBeUndefined();

      // Left on: the client stops just before the server's cap.
      await button.click();
      await waitState(a.page, "talking");
      const t0 = Date.now();
      await waitState(a.page, "idle", MAX_TRANSMISSION_MS + 3_000);
      const lasted = Date.now() - t0;
      expect(lasted).toBeGreaterThan(MAX_TRANSMISSION_MS - 1_500);
      expect(lasted).toBeLessThan(MAX_TRANSMISSION_MS + 2_000);
      expect(await button.getAttribute("data-latched")).toBeNull();
      // Live for over 10 s in toggle mode: the soft "still live" tick sounded.
      expect((await audio(a.page)).cues.stillLive).toBeGreaterThanOrEqual(1);
      expect(a.problems).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it("a media key and the Media Session's actions toggle talk; a learned Bluetooth key talks", async () => {
    const { a, b, ch, close } = await pair("mk", {});
    try {
      await a.context.addInitScript(() => {
        // Keep what the app registers, so the test can act as the browser's media controls.
        const handlers: Record<string, (d: { action: string }) => void> = {};
        (window as unknown as { __media: typeof handlers }).__media = handlers;
        const set = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
        navigator.mediaSession.setActionHandler = (action, handler) => {
          if (handler) handlers[action] = handler as (d: { action: string }) => void;
          else delete handlers[action];
          set(action, handler);
        };
      });
      await openBoth(a.page, b.page, ch.id);
      // The first tap starts the silent loop that holds the audio focus.
      await a.page.getByRole("heading", { name: "# Gate" }).click();
      expect(await a.page.evaluate(() => navigator.mediaSession.playbackState)).toBe("playing");
      const actions = await a.page.evaluate(() =>
        Object.keys((window as unknown as { __media: object }).__media).sort(),
      );
      expect(actions).toEqual([
        "hangup",
        "nexttrack",
        "pause",
        "play",
        "previoustrack",
        "stop",
        "togglemicrophone",
      ]);

      // Hold mode is set, but a media key arrives as one press: it toggles.
      await a.page.keyboard.press("MediaPlayPause");
      await waitState(a.page, "talking");
      await a.page.waitForTimeout(1_000);
      expect(await talkState(a.page)).toBe("talking");
      await a.page.keyboard.press("MediaPlayPause");
      await waitState(a.page, "idle");

      const act = (name: string) =>
        a.page.evaluate(
          (n) =>
            (window as unknown as { __media: Record<string, (d: object) => void> }).__media[n]!({
              action: n,
            }),
          name,
        );
      // Presses closer together than the double-delivery filter (400 ms) count as one.
      await a.page.waitForTimeout(500);
      await act("togglemicrophone");
      await waitState(a.page, "talking");
      await a.page.waitForTimeout(800);
      await act("hangup");
      await waitState(a.page, "idle");
      await until("B heard both", async () => (await audio(b.page)).streamsEnded >= 2);

      // A Bluetooth PTT button that sends Volume Up, learned in Settings, then held to talk.
      await a.page.goto("/settings");
      await a.page.getByRole("button", { name: "Change" }).click();
      await a.page.keyboard.press("AudioVolumeUp");
      await a.page.getByText("Volume Up", { exact: true }).first().waitFor();
      await a.page.keyboard.down("AudioVolumeUp");
      await until("the tester shows the press", async () =>
        /Volume Up\s*pressed · your talk key/.test(
          (await a.page.getByTestId("button-tester").textContent()) ?? "",
        ),
      );
      await a.page.keyboard.up("AudioVolumeUp");
      await until("the tester shows the release", async () =>
        /released/.test((await a.page.getByTestId("button-tester").textContent()) ?? ""),
      );
      await a.page.goto(`/channels/${ch.id}`);
      await waitSocketOpen(a.page);
      await until("subscribed", () => a.page.getByTestId("online-list").getByText("Bob Steward").isVisible());
      // Key events go to the focused page, as a paired keyboard's do.
      await a.page.getByTestId("talk-button").focus();
      await a.page.keyboard.down("AudioVolumeUp");
      await waitState(a.page, "talking");
      await a.page.waitForTimeout(1_000);
      await a.page.keyboard.up("AudioVolumeUp");
      await waitState(a.page, "idle");
      await until("B heard the third", async () => (await audio(b.page)).streamsEnded >= 3);
      expect(a.problems).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it("asleep then awake: every missed message arrives, missed voice is queued and waits for live voice to end", async () => {
    const { a, b, ch, close } = await pair("fz", {}, { autoPlayMissed: true });
    try {
      await openBoth(a.page, b.page, ch.id);
      await waitSocketOpen(b.page);
      // The phone sleeps: the network goes and the page is frozen (it closes its socket).
      await b.context.setOffline(true);
      await b.page.evaluate(() => document.dispatchEvent(new Event("freeze")));
      await until("B's socket closed", async () => (await socket(b.page)).status !== "open", 2_000);
      const before = await audio(b.page);

      for (const text of ["Gate 3 is open", "Queue at gate 5", "Medic to gate 2"]) {
        await a.page.getByLabel("Message", { exact: true }).fill(text);
        await a.page.getByRole("button", { name: "Send" }).click();
        await timelineHas(a.page, text);
      }
      await holdTalk(a.page, 2_000);
      await waitState(a.page, "idle");
      await a.page.waitForTimeout(1_000);

      // A talks live again while B wakes up: B must not replay over it.
      const box = (await a.page.getByTestId("talk-button").boundingBox())!;
      await a.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await a.page.mouse.down();
      await waitState(a.page, "talking");
      await b.context.setOffline(false);
      await b.page.evaluate(() => document.dispatchEvent(new Event("resume")));
      await waitSocketOpen(b.page, 5_000);
      for (const text of ["Gate 3 is open", "Queue at gate 5", "Medic to gate 2"])
        await timelineHas(b.page, text);
      await until("missed voice queued", async () => (await audio(b.page)).recordingsQueued >= 1, 5_000);
      await until("B hears A live", async () => playedMs(await audio(b.page)) > playedMs(before) + 400);
      expect((await audio(b.page)).recordingsPlayed).toBe(0);
      await b.page.waitForTimeout(500);
      expect((await audio(b.page)).recordingsPlayed).toBe(0);
      await a.page.mouse.up();
      await waitState(a.page, "idle");
      await until(
        "the missed one replays once the air is clear",
        async () => (await audio(b.page)).recordingsPlayed >= 1,
      );
      expect(b.problems).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it("hidden: live voice keeps playing and one notification per channel names the speaker", async () => {
    const { a, b, ch, close } = await pair("hd", {});
    try {
      await b.context.grantPermissions(["notifications"], { origin: server!.url });
      await openBoth(a.page, b.page, ch.id);
      await b.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await b.page.evaluate(() => {
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
        Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
        document.dispatchEvent(new Event("visibilitychange"));
      });
      const before = await audio(b.page);
      await holdTalk(a.page, 2_000);
      await until("B played it", async () => (await audio(b.page)).streamsEnded > before.streamsEnded);
      const after = await audio(b.page);
      expect(playedMs(after) - playedMs(before)).toBeGreaterThan(1_200);
      await a.page.waitForTimeout(300);
      await holdTalk(a.page, 1_000);
      const notes = await until("the notification", () =>
        b.page
          .evaluate(async () => {
            const reg = await navigator.serviceWorker.ready;
            return (await reg.getNotifications()).map((n) => ({ title: n.title, tag: n.tag, data: n.data }));
          })
          .then((l) => (l.length ? l : null)),
      );
      // Two transmissions, one notice: the second replaced the first (same channel tag).
      expect(notes).toEqual([
        {
          title: expect.stringMatching(/^Alice Control · @\S+ on # Gate$/),
          tag: `tx-${ch.id}`,
          data: { url: `/channels/${ch.id}` },
        },
      ]);
      expect(b.problems).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it("radio mode: big speaker name, channel up/down, and a lock that only headset buttons get through", async () => {
    const { a, b, ch, ch2, close } = await pair("rd", {});
    try {
      await a.page.goto(`/channels/${ch.id}`);
      await b.page.goto(`/channels/${ch.id}`);
      await until("B subscribed", () =>
        b.page.getByTestId("online-list").getByText("Alice Control").isVisible(),
      );
      await shoot(b.page, "13b-channel-pocket-controls");
      await b.page.getByRole("link", { name: "Radio mode" }).click();
      await b.page.getByTestId("radio").waitFor();
      await until(
        "online count",
        async () => (await b.page.getByTestId("radio-online").textContent()) === "2 online",
      );
      await shoot(b.page, "18-radio");
      await holdTalk(a.page, 2_500, async () => {
        await until("speaker shown", async () =>
          /Alice Control/.test((await b.page.getByTestId("radio-speaker").textContent()) ?? ""),
        );
        await shoot(b.page, "19-radio-listening");
      });
      const chirps = (await audio(b.page)).cues.incoming ?? 0;
      expect(chirps).toBeGreaterThanOrEqual(1);
      // The chirp muted for this channel: A's next transmission plays without one.
      await b.page.getByRole("button", { name: "Chirp on" }).click();
      await b.page.getByRole("button", { name: "Chirp off" }).waitFor();
      await holdTalk(a.page, 1_000);
      await until("B heard it", async () => (await audio(b.page)).streamsEnded >= 2);
      expect((await audio(b.page)).cues.incoming).toBe(chirps);

      // Tap to talk while unlocked.
      const talkArea = b.page.getByTestId("radio-talk");
      await waitState(b.page, "idle", 5_000, "radio-talk");
      await holdTalkOn(b.page, "radio-talk");
      // Locked: the talk area does nothing, a media key still talks.
      await b.page.getByRole("button", { name: "Lock", exact: true }).click();
      await b.page.getByTestId("radio-unlock").waitFor();
      expect(await talkArea.isDisabled()).toBe(true);
      await shoot(b.page, "20-radio-locked");
      await talkArea.click({ force: true }).catch(() => {});
      await b.page.waitForTimeout(500);
      expect(await talkState(b.page, "radio-talk")).toBe("idle");
      await b.page.keyboard.press("MediaPlayPause");
      await waitState(b.page, "talking", 10_000, "radio-talk");
      await b.page.waitForTimeout(700);
      await b.page.keyboard.press("MediaPlayPause");
      await waitState(b.page, "idle", 10_000, "radio-talk");

      // A short tap does not unlock; a full hold does. Then channel down.
      const unlock = b.page.getByTestId("radio-unlock");
      await unlock.click();
      expect(await unlock.isVisible()).toBe(true);
      const ub = (await unlock.boundingBox())!;
      await b.page.mouse.move(ub.x + ub.width / 2, ub.y + ub.height / 2);
      await b.page.mouse.down();
      await unlock.waitFor({ state: "detached", timeout: 3_000 });
      await b.page.mouse.up();
      expect(await talkArea.isDisabled()).toBe(false);
      await b.page.getByRole("button", { name: "Next channel" }).click();
      await b.page.getByRole("heading", { name: "# Medical" }).waitFor();
      expect(b.page.url()).toContain(`/channels/${ch2.id}/radio`);
      expect(b.problems).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);
});

/** Holds a talk control with the mouse until granted, then ~1 s, then lets go. */
async function holdTalkOn(page: Page, testId: string) {
  const box = (await page.getByTestId(testId).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await waitState(page, "talking", 10_000, testId);
  await page.waitForTimeout(1_000);
  await page.mouse.up();
  await waitState(page, "idle", 10_000, testId);
}
