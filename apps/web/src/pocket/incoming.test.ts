import type { ServerMessage } from "@won/protocol";
import { describe, expect, it, vi } from "vitest";
import { aUser } from "../test/fixtures";
import { createIncomingWatcher, type IncomingContext, incomingAlert, transmissionNotice } from "./incoming";

const CH = "00000000-0000-4000-8000-0000000000c1";
const me = "00000000-0000-4000-8000-00000000000a";
const ann = aUser("ann", "Ann");
const ctx: IncomingContext = {
  selfId: me,
  incomingCue: true,
  cueMuted: [],
  direct: false,
  hidden: false,
  notify: true,
};
const started = { channelId: CH, user: ann };

describe("incoming transmissions", () => {
  it("chirps for someone else, never for me", () => {
    expect(incomingAlert(started, ctx)).toEqual({ cue: "incoming", notify: false });
    expect(incomingAlert({ channelId: CH, user: { ...ann, id: me } }, { ...ctx, hidden: true })).toEqual({
      cue: null,
      notify: false,
    });
  });

  it("the chirp obeys the switch and the channel's mute; a direct call rings regardless", () => {
    expect(incomingAlert(started, { ...ctx, incomingCue: false }).cue).toBeNull();
    expect(incomingAlert(started, { ...ctx, cueMuted: [CH] }).cue).toBeNull();
    expect(incomingAlert(started, { ...ctx, cueMuted: [CH], incomingCue: false, direct: true }).cue).toBe(
      "directCall",
    );
  });

  it("notifies only while hidden and allowed", () => {
    expect(incomingAlert(started, { ...ctx, hidden: true }).notify).toBe(true);
    expect(incomingAlert(started, { ...ctx, hidden: true, notify: false }).notify).toBe(false);
  });

  it("a notice names speaker and channel, is tagged per channel and opens the channel", () => {
    expect(transmissionNotice("Ann · @ann", { id: CH, name: "Gate" }, false)).toEqual({
      title: "Ann · @ann on # Gate",
      body: "Talking now on # Gate · tap to open",
      tag: `tx-${CH}`,
      url: `/channels/${CH}`,
    });
    expect(transmissionNotice("Ann", { id: CH, name: null }, true).title).toBe("Ann is calling you");
  });

  it("the watcher acts on speaker.started only, with the channel's context", () => {
    const cue = vi.fn();
    const notify = vi.fn();
    const watch = createIncomingWatcher({
      context: () => ({ ...ctx, hidden: true }),
      channelName: () => "Gate",
      speakerName: (u) => u.displayName,
      cue,
      notify,
    });
    watch({ type: "presence.left", channelId: CH, userId: ann.id } as ServerMessage);
    expect(cue).not.toHaveBeenCalled();
    watch({ type: "speaker.started", channelId: CH, streamId: 7, user: ann, priority: false });
    expect(cue).toHaveBeenCalledWith("incoming");
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ title: "Ann on # Gate", tag: `tx-${CH}` }));
  });
});
