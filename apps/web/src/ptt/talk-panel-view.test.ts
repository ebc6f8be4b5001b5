import { describe, expect, it } from "vitest";
import type { LiveSpeaker } from "../state/live-store";
import { aUser } from "../test/fixtures";
import {
  COUNTDOWN_FROM_MS,
  cutText,
  denialText,
  FEEDBACK_SHOW_MS,
  type TalkPanelState,
  talkPanelView,
} from "./talk-panel-view";

const NOW = 1_000_000;
const CH = "c1";
const ann = aUser("ann", "Ann Control");
const annSpeaking: LiveSpeaker = { user: ann, streamId: 7, since: NOW - 1_000, priority: false };

/** Connected, subscribed, allowed to talk, nobody on air. */
function state(over: Partial<TalkPanelState> = {}): TalkPanelState {
  return {
    abilities: { talk: true, interrupt: false },
    connected: true,
    subscribed: true,
    talk: null,
    talkingElsewhere: false,
    speaker: null,
    denial: null,
    lastStop: null,
    pttMode: "hold",
    pttKey: "Space",
    ...over,
  };
}

const view = (over: Partial<TalkPanelState> = {}, now = NOW) => talkPanelView(state(over), now);

describe("talk panel view", () => {
  it("idle: clear channel, Talk / Hold to talk, the key hint", () => {
    expect(view()).toEqual({
      state: "idle",
      status: { kind: "clear" },
      tone: "clear",
      title: "Talk",
      latched: false,
      action: "Hold to talk",
      disabledReason: null,
      sub: "Hold to talk",
      enabled: true,
      offerPriority: false,
      meter: false,
      hint: { kind: "key", key: "Space", hold: true },
      unlockFirst: false,
    });
  });

  it("a replayed missed transmission says so, and gives way to live voice and my own", () => {
    const at = new Date(2026, 0, 1, 14, 2);
    const replay = { createdAt: at.toISOString(), sender: aUser("olivia", "Olivia") };
    const v = view({ replay });
    // The time in the reader's locale ("14:02", or "02:02 PM").
    const time = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    expect(v.status).toEqual({ kind: "replay", text: `Replay · ${time} · Olivia · @olivia` });
    expect(v.tone).toBe("replay");
    expect(v.state).toBe("idle");
    expect(view({ replay, speaker: annSpeaking }).status.kind).toBe("speaker");
    expect(view({ replay, talk: { channelId: CH, phase: "talking", since: NOW } }).status.kind).toBe(
      "on-air",
    );
  });

  it("a touch screen gets no keyboard hint", () => {
    expect(view({ touch: true }).hint).toEqual({ kind: "none" });
  });

  it("sound off: the first tap turns sound on instead of opening the microphone", () => {
    const v = view({ soundOff: true });
    expect(v.unlockFirst).toBe(true);
    expect(v.sub).toBe("Tap to turn sound on");
    // A transmission under way is never held back by it, nor is a disabled button.
    expect(view({ soundOff: true, talk: { channelId: CH, phase: "talking", since: NOW } }).unlockFirst).toBe(
      false,
    );
    expect(view({ soundOff: true, connected: false }).unlockFirst).toBe(false);
  });

  it("toggle mode: tap to talk, tap to stop, and no 'hold' in the hint", () => {
    expect(view({ pttMode: "toggle" }).action).toBe("Tap to talk");
    expect(view({ pttMode: "toggle" }).hint).toEqual({ kind: "key", key: "Space", hold: false });
    const onAir = view({ pttMode: "toggle", talk: { channelId: CH, phase: "talking", since: NOW } });
    expect(onAir.action).toBe("Tap to stop");
    // Nothing held, so the button says LIVE and pulses until tapped again.
    expect(onAir.title).toBe("LIVE");
    expect(onAir.latched).toBe(true);
    expect(onAir.status).toMatchObject({ kind: "on-air", latched: true });
  });

  it("requesting: the button says Connecting… while the grant is awaited", () => {
    const v = view({ talk: { channelId: CH, phase: "requesting" } });
    expect(v.state).toBe("requesting");
    expect(v.action).toBe("Connecting…");
    expect(v.title).toBe("Talk");
    expect(v.meter).toBe(false);
  });

  it("stopping counts as requesting (no longer on air, not yet idle)", () => {
    const v = view({ talk: { channelId: CH, phase: "stopping" } });
    expect(v.state).toBe("requesting");
    expect(v.status).toEqual({ kind: "clear" });
  });

  it("on air: elapsed time, the meter, Release to stop, no countdown far from the cap", () => {
    const v = view({ talk: { channelId: CH, phase: "talking", since: NOW - 3_200, maxDurationMs: 60_000 } });
    expect(v.state).toBe("talking");
    expect(v.title).toBe("On air");
    expect(v.action).toBe("Release to stop");
    expect(v.tone).toBe("me");
    expect(v.meter).toBe(true);
    expect(v.status).toEqual({ kind: "on-air", elapsedMs: 3_200, countdownS: null, latched: false });
  });

  it("an SOS hot mic on air says it closes by itself (letting go of the button does not end it)", () => {
    const talk = { channelId: CH, phase: "talking" as const, since: NOW - 1_000, maxDurationMs: 10_000 };
    const v = view({ talk: { ...talk, alertId: "a1" } });
    expect(v.action).toBe("SOS microphone — closes by itself");
    expect(v.status).toEqual({ kind: "on-air", elapsedMs: 1_000, countdownS: 9, latched: false });
  });

  it("on air near the cap: whole seconds left, never below zero", () => {
    const max = 60_000;
    const near = view({
      talk: {
        channelId: CH,
        phase: "talking",
        since: NOW - (max - COUNTDOWN_FROM_MS) - 500,
        maxDurationMs: max,
      },
    });
    expect(near.status).toMatchObject({ kind: "on-air", countdownS: 10 });
    const past = view({
      talk: { channelId: CH, phase: "talking", since: NOW - max - 900, maxDurationMs: max },
    });
    expect(past.status).toMatchObject({ countdownS: 0 });
  });

  it("on air without a known cap or start: no countdown, zero elapsed", () => {
    expect(view({ talk: { channelId: CH, phase: "talking" } }).status).toEqual({
      kind: "on-air",
      elapsedMs: 0,
      countdownS: null,
      latched: false,
    });
  });

  it("busy: someone else holds the floor", () => {
    const v = view({ speaker: annSpeaking });
    expect(v.state).toBe("busy");
    expect(v.title).toBe("Busy");
    expect(v.tone).toBe("live");
    expect(v.status).toEqual({ kind: "speaker", user: ann });
    // A press is still sent: with priority it may interrupt, otherwise the server says who talks.
    expect(v.enabled).toBe(true);
    // The button does not invite a press that cannot be granted.
    expect(v.action).not.toMatch(/to talk/);
  });

  it("denied busy: names who is talking, for a short while only", () => {
    const denial = {
      channelId: CH,
      reason: "busy" as const,
      speakerName: "Ann Control · @ann",
      at: NOW - 100,
    };
    const v = view({ denial, speaker: annSpeaking });
    expect(v.state).toBe("denied");
    expect(v.tone).toBe("denied");
    expect(v.status).toEqual({ kind: "denied", reason: "busy", text: "Ann Control · @ann is talking" });
    expect(v.title).toBe("Talk");

    const later = view({ denial, speaker: annSpeaking }, denial.at + FEEDBACK_SHOW_MS);
    expect(later.state).toBe("busy");
    expect(later.status.kind).toBe("speaker");
  });

  it("every denial reason has its own words; storage quota says what to do", () => {
    expect(denialText({ reason: "busy" })).toBe("Someone else is talking");
    expect(denialText({ reason: "forbidden" })).toBe("You may not talk on this channel");
    expect(denialText({ reason: "insecure_context" })).toMatch(
      /^This page isn't secure \(http\), so your browser blocks the microphone\. Open https:\/\/.* \(the organiser's address\) instead$/,
    );
    expect(denialText({ reason: "not_subscribed" })).toBe("Not connected to the channel yet");
    expect(denialText({ reason: "no_microphone" })).toMatch(/Microphone blocked or missing/);
    expect(denialText({ reason: "no_encoder" })).toMatch(/can't send voice/);
    expect(denialText({ reason: "no_audio_output" })).toMatch(/^Audio output could not start/);
    expect(denialText({ reason: "mic_stalled" })).toMatch(/^Microphone did not start/);
    expect(denialText({ reason: "encoder_stalled" })).toMatch(/encoder did not start/);
    const quota = denialText({ reason: "quota_exceeded" });
    expect(quota).toMatch(/recordings is full/);
    expect(quota).toMatch(/ask an organiser to free space/);
    expect(quota).toMatch(/still listen/);
    const v = view({ denial: { channelId: CH, reason: "quota_exceeded", at: NOW } });
    expect(v.status).toEqual({ kind: "denied", reason: "quota_exceeded", text: quota });
  });

  it("cut short: pre-empted, timed out, revoked, or the connection lost", () => {
    const cut = (reason: string) => view({ lastStop: { reason, at: NOW - 10 } });
    expect(cut("preempted").status).toEqual({
      kind: "cut",
      reason: "preempted",
      text: "A moderator took over the channel",
    });
    expect(cut("preempted").tone).toBe("denied");
    expect(cutText("timeout")).toBe("Maximum talk time reached");
    // A lease that ran out because no audio arrived is not the talk time cap.
    expect(cutText("no_audio")).toMatch(/no audio reached the server/);
    expect(cutText("no_audio")).not.toMatch(/Maximum/);
    expect(cutText("revoked")).toBe("Your talk permission was removed");
    expect(cutText("disconnected")).toBe("Transmission cut: connection lost");
    // The button itself is idle again: a cut is feedback, not a state of the floor.
    expect(cut("preempted").state).toBe("idle");
  });

  it("a cut outranks a denial and a speaker on the status line, and fades like a denial", () => {
    const s = {
      lastStop: { reason: "preempted", at: NOW - 10 },
      denial: { channelId: CH, reason: "busy" as const, at: NOW - 10 },
      speaker: annSpeaking,
    };
    expect(view(s).status.kind).toBe("cut");
    expect(view(s, NOW + FEEDBACK_SHOW_MS).status.kind).toBe("speaker");
  });

  it("releasing on purpose shows no cut", () => {
    expect(view({ lastStop: { reason: "released", at: NOW } }).status).toEqual({ kind: "clear" });
  });

  it("listen only: disabled with its reason, no priority offered", () => {
    const v = view({ abilities: { talk: false, interrupt: true } });
    expect(v.disabledReason).toBe("not allowed on this channel");
    expect(v.enabled).toBe(false);
    expect(v.offerPriority).toBe(false);
  });

  it("priority is offered to those who may interrupt", () => {
    expect(view({ abilities: { talk: true, interrupt: true } }).offerPriority).toBe(true);
  });

  it("offline: the button is visibly off with the reason, not shown as listen-only", () => {
    const v = view({ connected: false });
    expect(v.enabled).toBe(false);
    expect(v.disabledReason).toBe("no connection");
    expect(v.sub).toBe("Offline — waiting for the network");
    expect(v.hint).toEqual({ kind: "offline" });
    // Listen-only says so even offline.
    expect(view({ connected: false, abilities: { talk: false, interrupt: false } }).sub).toBe("Listen only");
  });

  it("offline mid-transmission: the button stays usable so the finger can let go", () => {
    const v = view({ connected: false, talk: { channelId: CH, phase: "talking", since: NOW } });
    expect(v.disabledReason).toBeNull();
    expect(v.sub).toBe("Release to stop");
  });

  it("not yet subscribed: presses wait", () => {
    expect(view({ subscribed: false }).enabled).toBe(false);
  });

  it("on air on another channel: presses here wait, and the hint says why", () => {
    const v = view({ talkingElsewhere: true });
    expect(v.enabled).toBe(false);
    expect(v.hint).toEqual({ kind: "elsewhere" });
  });
});
