/**
 * The control-room console, end to end on Chromium against the embedded server. An organiser
 * opens the console of an event with four channels; two stewards talk on two channels in turn and
 * then at once. The tiles show who talks where, and the organiser's page plays them with the mix
 * chosen on the console, measured inside the page (mix-diagnostics analysers): a channel panned
 * left is louder on the left, a channel at −6 dB plays 6 dB down, a mute silences one channel
 * only, and a live priority channel ducks the others by the set amount. The activity log lists
 * every transmission, replays one, and leads to its channel. A soak: ten channels live at once,
 * with the player's counters and the page's long tasks recorded.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCreateChannel, apiCreateEvent, apiJoin, apiRegister, signInContext } from "./harness/api";
import { audio, holdTalk, person, playedMs, waitSocketOpen } from "./harness/app";
import { DESKTOP, launchChromium, newUser, until } from "./harness/browser";
import { measure, WireSpeaker } from "./harness/console";
import { shoot, TABLET } from "./harness/screens";
import { type RunningServer, serverBuilt, startServer } from "./harness/server";
import { makeSpeechWav } from "./harness/speech";

const SIZES = [
  ["desktop", DESKTOP],
  ["tablet", TABLET],
] as const;

const tile = (page: Page, channelId: string) =>
  page.locator(`[data-testid="console-tile"][data-channel="${channelId}"]`);

async function onChannel(page: Page, channelId: string) {
  await page.goto(`/channels/${channelId}`);
  await until("subscribed", () => page.getByTestId("online-list").isVisible(), 15_000);
}

/** Waits until a tile shows `name` talking. */
async function showsTalking(page: Page, channelId: string, name: string) {
  await until(
    `${name} on the tile`,
    async () =>
      (await tile(page, channelId).getAttribute("data-state")) === "busy" &&
      (await tile(page, channelId).getByTestId("tile-speaker").textContent())?.includes(name),
    10_000,
    50,
  );
}

describe.skipIf(!serverBuilt())("the control-room console", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "won-web-console-"));
    const wav = makeSpeechWav(tmp);
    // Transmissions up to 2 min, so the soak's ten streams outlast its 60 s window.
    server = await startServer({
      DATA_DIR: join(tmp, "data"),
      DATABASE_URL: "",
      REDIS_URL: "",
      MAX_TRANSMISSION_MS: "120000",
    });
    browser = await launchChromium(wav);
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function setup(tag: string, names: string[]) {
    const base = server!.url;
    const org = await apiRegister(base, person(`org${tag}`, "Olga Organiser"));
    const ev = await apiCreateEvent(base, org.accessToken, `Festival ${tag}`);
    const channels = [];
    for (const n of names) channels.push(await apiCreateChannel(base, org.accessToken, ev.id, n));
    const o = await newUser(browser!, base, DESKTOP);
    await signInContext(o.context, org);
    return { base, org, ev, channels, o };
  }

  async function steward(base: string, inviteCode: string, tag: string, name: string) {
    const auth = await apiRegister(base, person(tag, name));
    await apiJoin(base, auth.accessToken, inviteCode);
    const u = await newUser(browser!, base);
    await signInContext(u.context, auth);
    return { auth, ...u };
  }

  it("tiles show who talks where; pans, gains, mute and priority are heard as set; the log replays", async () => {
    const { base, ev, channels, o } = await setup("c", ["Gate", "Ops", "Medical", "Parking"]);
    const [gate, ops] = channels as [(typeof channels)[0], (typeof channels)[0]];
    const sam = await steward(base, ev.inviteCode!, "samc", "Sam Steward");
    const tess = await steward(base, ev.inviteCode!, "tessc", "Tess Steward");
    try {
      await o.page.goto(`/events/${ev.id}`);
      await o.page.getByTestId("event-console-link").click();
      await o.page.getByTestId("console").waitFor();
      await waitSocketOpen(o.page);
      expect(await o.page.getByTestId("console-tile").count()).toBe(4);
      await onChannel(sam.page, gate.id);
      await onChannel(tess.page, ops.id);
      await until(
        "online counts",
        async () => (await tile(o.page, gate.id).getByTestId("tile-online").textContent()) === "2 online",
      );
      await shoot(o.page, "27-console-idle", { sizes: SIZES });

      // The mix: Gate hard left at −6 dB, Ops hard right; ducking by 12 dB.
      await tile(o.page, gate.id).getByTestId("tile-pan-left").click();
      await tile(o.page, gate.id).getByTestId("tile-volume").fill("-6");
      await tile(o.page, ops.id).getByTestId("tile-pan-right").click();
      await o.page.getByTestId("duck-db").fill("12");

      // In turn: Sam on Gate, heard on the left at −6 dB; then Tess on Ops, heard on the right.
      await holdTalk(sam.page, 3_000, async () => {
        await showsTalking(o.page, gate.id, "Sam Steward");
        expect(await tile(o.page, ops.id).getAttribute("data-state")).toBe("idle");
        await o.page.waitForTimeout(400);
        const m = await measure(o.page, 1_500);
        expect(m.leftOverRightDb).toBeGreaterThanOrEqual(10);
        expect(m.channels[gate.id]!.gainDb).toBeGreaterThan(-7.5);
        expect(m.channels[gate.id]!.gainDb).toBeLessThan(-4.5);
      });
      await holdTalk(tess.page, 3_000, async () => {
        await showsTalking(o.page, ops.id, "Tess Steward");
        await o.page.waitForTimeout(400);
        const m = await measure(o.page, 1_500);
        expect(m.leftOverRightDb).toBeLessThanOrEqual(-10);
        expect(Math.abs(m.channels[ops.id]!.gainDb)).toBeLessThan(1.5);
      });

      // At once: both tiles live; a mute silences Gate only; priority on Ops ducks Gate by 12 dB.
      const both = async () => {
        await showsTalking(o.page, gate.id, "Sam Steward");
        await showsTalking(o.page, ops.id, "Tess Steward");
        await o.page.waitForTimeout(400);
        await shoot(o.page, "28-console-two-live", { sizes: SIZES });
        const open = await measure(o.page, 1_200);
        expect(open.channels[gate.id]!.post).toBeGreaterThan(1e-5);
        expect(open.channels[ops.id]!.post).toBeGreaterThan(1e-5);

        await tile(o.page, gate.id).getByTestId("tile-mute").click();
        await o.page.waitForTimeout(300);
        const muted = await measure(o.page, 1_200);
        expect(muted.channels[gate.id]!.gainDb).toBeLessThan(-40);
        expect(Math.abs(muted.channels[ops.id]!.gainDb)).toBeLessThan(1.5);
        expect(muted.channels[ops.id]!.post).toBeGreaterThan(1e-5);
        await tile(o.page, gate.id).getByTestId("tile-mute").click();

        await tile(o.page, ops.id).getByTestId("tile-priority").click();
        await o.page.waitForTimeout(300);
        const ducked = await measure(o.page, 1_200);
        // Gate: −6 dB fader and −12 dB duck; Ops, the priority channel, untouched.
        expect(ducked.channels[gate.id]!.gainDb).toBeGreaterThan(-19.5);
        expect(ducked.channels[gate.id]!.gainDb).toBeLessThan(-16.5);
        expect(Math.abs(ducked.channels[ops.id]!.gainDb)).toBeLessThan(1.5);
      };
      let checked = false;
      await Promise.all([
        holdTalk(sam.page, 11_000),
        (async () => {
          await o.page.waitForTimeout(500);
          await holdTalk(tess.page, 10_000, async () => {
            await both();
            checked = true;
          });
        })(),
      ]);
      expect(checked).toBe(true);

      // The log: four transmissions, two per channel, newest first; one replays; one leads to its channel.
      const entries = o.page.getByTestId("log-entry");
      await until("four transmissions in the log", async () => (await entries.count()) === 4, 15_000);
      expect(await o.page.locator(`[data-testid="log-entry"][data-channel="${gate.id}"]`).count()).toBe(2);
      expect(await o.page.locator(`[data-testid="log-entry"][data-channel="${ops.id}"]`).count()).toBe(2);
      await o.page.getByLabel("Filter by channel").selectOption(ops.id);
      expect(await entries.count()).toBe(2);
      await o.page.getByLabel("Filter by channel").selectOption("");
      const played = (await audio(o.page)).recordingsPlayed;
      await entries.first().getByTestId("log-replay").click();
      await until("replay plays", async () => (await audio(o.page)).recordingsPlayed > played, 10_000);
      await entries.last().getByTestId("log-channel").click();
      await o.page.waitForURL(/\/channels\//);
      expect(o.problems).toEqual([]);
    } finally {
      await Promise.all([o.context.close(), sam.context.close(), tess.context.close()]);
    }
  }, 180_000);

  it("talks on the selected channel only, picked with a number key and held with the talk key", async () => {
    const { base, ev, channels, o } = await setup("t", ["Gate", "Ops", "Medical", "Parking"]);
    const ops = channels[1]!;
    const sam = await steward(base, ev.inviteCode!, "samt", "Sam Steward");
    try {
      await o.page.goto(`/events/${ev.id}/console`);
      await waitSocketOpen(o.page);
      await onChannel(sam.page, ops.id);
      await until(
        "subscribed tiles",
        async () => (await tile(o.page, ops.id).getByTestId("tile-online").textContent()) === "2 online",
      );
      await o.page.keyboard.press("Digit2");
      await o.page.getByTestId("console-selected").getByText("# Ops").waitFor();
      const before = playedMs(await audio(sam.page));
      await o.page.keyboard.down("Space");
      await until(
        "on air on Ops",
        async () => (await tile(o.page, ops.id).getAttribute("data-state")) === "talking",
        10_000,
      );
      // Other tiles stay off air, and a number key does not move the selection mid-transmission.
      expect(await o.page.locator('[data-testid="console-tile"][data-state="talking"]').count()).toBe(1);
      await o.page.keyboard.press("Digit1");
      await until("Sam hears it", async () => playedMs(await audio(sam.page)) - before > 800, 10_000);
      await o.page.keyboard.up("Space");
      expect(await o.page.getByTestId("console-selected").textContent()).toContain("# Ops");
    } finally {
      await Promise.all([o.context.close(), sam.context.close()]);
    }
  }, 90_000);

  it("plays every frame of a transmission to its end, also when the page is busy as the speaker lets go", async () => {
    const { base, ev, channels, o } = await setup("t", ["Tail"]);
    const [ch] = channels;
    const u = await apiRegister(base, person("tail", "Tara Tail"));
    await apiJoin(base, u.accessToken, ev.inviteCode!);
    const s = await WireSpeaker.open(base, u.accessToken, ch!.id);
    try {
      await onChannel(o.page, ch!.id);
      const a0 = await audio(o.page);
      let sent = 0;
      for (let round = 0; round < 4; round++) {
        const before = s.sent;
        await s.talk();
        await o.page.waitForTimeout(600);
        // From round 2 on, the page's main thread is stalled for 300 ms as the speaker lets go:
        // the last frames and the end arrive together and are decoded after it.
        if (round > 0)
          await o.page.evaluate(() =>
            setTimeout(() => {
              const t = performance.now();
              while (performance.now() - t < 300);
            }, 0),
          );
        await s.stop();
        sent += s.sent - before;
        await until(
          `round ${round} played out`,
          async () => (await audio(o.page)).streamsEnded === a0.streamsEnded + round + 1,
          10_000,
        );
      }
      const count = (a: Awaited<ReturnType<typeof audio>>) => ({
        received: a.framesReceived - a0.framesReceived,
        decoded: a.framesDecoded - a0.framesDecoded,
        accounted:
          a.framesPlayed -
          a0.framesPlayed +
          a.framesSkippedSilent -
          a0.framesSkippedSilent +
          a.framesDropped -
          a0.framesDropped,
      });
      // The playout reports its last counters as it drains; give it a moment.
      await until(
        "every frame accounted for",
        async () => count(await audio(o.page)).accounted >= sent,
        5_000,
      ).catch(() => {});
      expect(count(await audio(o.page))).toEqual({ received: sent, decoded: sent, accounted: sent });
    } finally {
      s.close();
      await o.context.close();
    }
  }, 90_000);

  it("soak: ten channels live at once, the player keeping up within measured bounds", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `Ch ${i + 1}`);
    const { base, ev, channels, o } = await setup("s", names);
    const speakers: WireSpeaker[] = [];
    try {
      await o.page.goto(`/events/${ev.id}/console`);
      await waitSocketOpen(o.page);
      for (const [i, c] of channels.entries()) {
        const u = await apiRegister(base, person(`soak${i}`, `Speaker ${i + 1}`));
        await apiJoin(base, u.accessToken, ev.inviteCode!);
        speakers.push(await WireSpeaker.open(base, u.accessToken, c.id));
      }
      await until(
        "ten tiles subscribed",
        async () =>
          (await o.page.locator('[data-testid="tile-online"]', { hasText: "2 online" }).count()) === 10,
        20_000,
      );
      await o.page.evaluate(() => {
        const w = window as unknown as { __longTasks: number[] };
        w.__longTasks = [];
        new PerformanceObserver((l) => {
          for (const e of l.getEntries()) w.__longTasks.push(e.duration);
        }).observe({ type: "longtask" });
      });
      await Promise.all(speakers.map((s) => s.talk()));
      await until(
        "ten tiles live",
        async () => (await o.page.locator('[data-testid="console-tile"][data-state="busy"]').count()) === 10,
        10_000,
      );
      // Settle, then take the counters over the soak window.
      await o.page.waitForTimeout(2_000);
      const a0 = await audio(o.page);
      await o.page.evaluate(() => {
        (window as unknown as { __longTasks: number[] }).__longTasks = [];
      });
      const SOAK_MS = Number(process.env.CONSOLE_SOAK_MS ?? 60_000);
      const total = (k: "sent" | "skipped" | "lateTicks") => speakers.reduce((n, s) => n + s[k], 0);
      const s0 = { sent: total("sent"), skipped: total("skipped"), late: total("lateTicks") };
      await o.page.waitForTimeout(SOAK_MS);
      const sent = total("sent") - s0.sent;
      const longTasks = await o.page.evaluate(
        () => (window as unknown as { __longTasks: number[] }).__longTasks,
      );
      await Promise.all(speakers.map((s) => s.stop()));
      // Every stream is released and plays out what it holds; a starved machine may need a few
      // seconds to catch up, which is not a loss. Then each frame received is counted exactly
      // once: played, skipped as silence, or dropped.
      await until(
        "the page plays out what it received",
        async () => {
          const a = await audio(o.page);
          return (
            a.streamsEnded === a.streamsStarted &&
            a.framesDecoded >= a.framesReceived &&
            a.framesPlayed + a.framesSkippedSilent + a.framesDropped >= a.framesDecoded
          );
        },
        30_000,
      );
      const a1 = await audio(o.page);
      const report = {
        soakMs: SOAK_MS,
        sent,
        senderSkipped: total("skipped") - s0.skipped,
        senderLateTicks: total("lateTicks") - s0.late,
        received: a1.framesReceived - a0.framesReceived,
        decoded: a1.framesDecoded - a0.framesDecoded,
        played: a1.framesPlayed - a0.framesPlayed,
        skippedSilent: a1.framesSkippedSilent - a0.framesSkippedSilent,
        dropped: a1.framesDropped - a0.framesDropped,
        dropReasons: a1.dropReasons,
        underruns: a1.underruns - a0.underruns,
        concealedMs: Math.round(a1.concealedMs - a0.concealedMs),
        missedSuspended: a1.framesMissedSuspended - a0.framesMissedSuspended,
        longTasks: longTasks.length,
        longestTaskMs: Math.max(0, ...longTasks),
      };
      console.log("console soak:", JSON.stringify(report));
      expect(report.missedSuspended).toBe(0);
      // Every frame that arrived on this page was decoded and handed to a playout, which counts
      // each once: played, skipped as silence, or dropped past its 1 s cap.
      expect(a1.framesDecoded).toBe(a1.framesReceived);
      expect(a1.framesPlayed + a1.framesSkippedSilent + a1.framesDropped).toBe(a1.framesDecoded);
      if (process.env.CONSOLE_SOAK_STRICT) {
        // On a machine of its own: nothing dropped, no task over 50 ms.
        expect(report.dropped).toBe(0);
        expect(report.longestTaskMs).toBeLessThanOrEqual(50);
      } else {
        // On the shared 2-core test machine the page stalls now and then for want of a core. The
        // playout worklet waits for late audio rather than dropping it, so a stall costs latency,
        // not speech: measured there over 60 s at load average ~12, 97.8 % played, 0 dropped, 23
        // long tasks ≤ 363 ms; at load ~4, 0 dropped and 5 tasks ≤ 351 ms. These bounds hold on
        // both and fail on a player that drops audio or stalls for real.
        expect(report.played).toBeGreaterThanOrEqual(sent * 0.9);
        expect(report.dropped).toBeLessThanOrEqual(sent * 0.02);
        expect(report.longestTaskMs).toBeLessThan(500);
        expect(report.longTasks).toBeLessThanOrEqual(SOAK_MS / 1_000);
      }
    } finally {
      for (const s of speakers) s.close();
      await o.context.close();
    }
  }, 180_000);
});
