import { QueryClient } from "@tanstack/react-query";
import type { Channel } from "@won/protocol";
import { ServerMessage } from "@won/protocol";
import { describe, expect, it, vi } from "vitest";
import { alertsStore, getAlerts } from "../alerts/alerts-store";
import { getLive, live } from "../state/live-store";
import { queryKeys } from "../state/queries/keys";
import { realtimeCache } from "../state/queries/realtime-cache";
import { aChannel, anAlert, anId, aUser, noChannelAbilities } from "../test/fixtures";
import { createDispatcher, type DispatchConnection, type DispatchDeps } from "./dispatch";
import { RealtimeEmitter } from "./realtime-events";

function setup(over: Partial<DispatchDeps> = {}) {
  const qc = new QueryClient();
  const events = new RealtimeEmitter();
  const player = { start: vi.fn(), end: vi.fn(), endChannel: vi.fn(), endAll: vi.fn() };
  const forgetMonitored = vi.fn();
  const dispatcher = createDispatcher({
    live,
    hasLiveChannels: () => true,
    player,
    missed: { enqueue: vi.fn() },
    autoPlayMissed: () => false,
    cache: realtimeCache(qc),
    events,
    selfId: () => "me",
    forgetMonitored,
    alerts: alertsStore,
    ...over,
  });
  const conn: DispatchConnection = { seqs: { markHeard: vi.fn(), isMissedAudio: () => false } };
  const dispatch = (raw: object) => dispatcher.dispatch(ServerMessage.parse(raw), conn);
  return { qc, events, player, forgetMonitored, dispatcher, dispatch };
}

describe("dispatch", () => {
  it("access.changed updates the cached channel with the abilities it carries", () => {
    const { qc, dispatch } = setup();
    const channel = aChannel({ myRole: "member", canSpeak: true, abilities: { talk: true } });
    qc.setQueryData(queryKeys.channel(channel.id), channel);
    qc.setQueryData(queryKeys.channels, [channel]);

    const abilities = { ...noChannelAbilities, talk: false, moderate: true };
    dispatch({
      type: "access.changed",
      channelId: channel.id,
      myRole: "moderator",
      canSpeak: false,
      abilities,
    });

    const expected = { myRole: "moderator", canSpeak: false, abilities };
    expect(qc.getQueryData<Channel>(queryKeys.channel(channel.id))).toMatchObject(expected);
    expect(qc.getQueryData<Channel[]>(queryKeys.channels)?.[0]).toMatchObject(expected);
  });

  it("channel.deleted and access.revoked stop the channel's audio and emit a typed channel.gone", () => {
    const { events, player, forgetMonitored, dispatch } = setup();
    const gone = vi.fn();
    events.on("channel.gone", gone);
    const [a, b] = [aChannel(), aChannel()];

    dispatch({ type: "channel.deleted", channelId: a.id });
    dispatch({ type: "access.revoked", channelId: b.id });

    expect(gone.mock.calls).toEqual([
      [{ channelId: a.id, reason: "deleted" }],
      [{ channelId: b.id, reason: "revoked" }],
    ]);
    expect(player.endChannel).toHaveBeenCalledWith(a.id);
    expect(forgetMonitored).toHaveBeenCalledWith(b.id);
  });

  it("resync.truncated asks the channel's screen to page the gap", () => {
    const { events, dispatch } = setup();
    const resync = vi.fn();
    events.on("channel.resync", resync);
    const c = aChannel();
    dispatch({ type: "resync.truncated", channelId: c.id });
    expect(resync).toHaveBeenCalledWith({ channelId: c.id });
  });

  it("a socket loss ends every live stream", () => {
    const { player, dispatcher } = setup();
    dispatcher.socketDown();
    expect(player.endAll).toHaveBeenCalled();
  });

  it("alerts: ready seeds the book, raised and updated upsert it and refetch the event's history", () => {
    alertsStore.reset();
    const { qc, dispatch } = setup();
    const a = anAlert();
    const b = anAlert({ eventId: a.eventId });
    dispatch({ type: "ready", sessionId: "s1", user: aUser("me"), heartbeatMs: 25_000, openAlerts: [a] });
    expect(Object.keys(getAlerts().book.byId)).toEqual([a.id]);

    qc.setQueryData(queryKeys.eventAlerts(a.eventId), { pages: [] });
    dispatch({ type: "alert.raised", alert: b });
    dispatch({ type: "alert.updated", alert: { ...a, state: "claimed", claimedBy: aUser("mo") } });
    expect(getAlerts().book.byId[a.id]?.state).toBe("claimed");
    expect(getAlerts().book.byId[b.id]).toBeDefined();
    expect(qc.getQueryState(queryKeys.eventAlerts(a.eventId))?.isInvalidated).toBe(true);
  });

  it("a hot mic on a channel I am not subscribed to is played and marked live on its alert until it stops", () => {
    alertsStore.reset();
    const { player, dispatch, dispatcher } = setup();
    const ch = aChannel();
    const a = anAlert({ channelId: ch.id });
    const hot = { type: "speaker.started", channelId: ch.id, streamId: 77, priority: true, user: a.raisedBy };
    dispatch({ ...hot, emergency: true, alertId: a.id });
    expect(player.start).toHaveBeenCalledWith(77, ch.id, a.raisedBy.id);
    expect(getAlerts().hot[a.id]).toEqual({ streamId: 77, channelId: ch.id, userId: a.raisedBy.id });
    dispatch({
      type: "speaker.stopped",
      channelId: ch.id,
      streamId: 77,
      userId: a.raisedBy.id,
      reason: "released",
    });
    expect(getAlerts().hot).toEqual({});

    dispatch({ ...hot, streamId: 78, emergency: true, alertId: a.id });
    dispatcher.socketDown();
    expect(getAlerts().hot).toEqual({});
  });

  it("an all-call or a patched transmission is the speaker of every channel whose floor it holds", () => {
    const { player, dispatch } = setup();
    const olga = aUser("olga", "Olga Organiser");
    const [a, b, c] = [aChannel().id, aChannel().id, aChannel().id];
    live.reset();
    dispatch({
      type: "speaker.started",
      channelId: a,
      streamId: 91,
      user: olga,
      priority: true,
      scope: "event",
      eventId: anId(),
      channelIds: [a, b],
    });
    const speakerOf = (id: string) => getLive().channels[id]?.speaker ?? null;
    expect(speakerOf(a)).toMatchObject({ streamId: 91, allCall: true, user: { id: olga.id } });
    expect(speakerOf(b)).toMatchObject({ streamId: 91, allCall: true });
    expect(speakerOf(c)).toBeNull();
    // Played once, as one stream.
    expect(player.start).toHaveBeenCalledTimes(1);
    dispatch({
      type: "speaker.stopped",
      channelId: a,
      streamId: 91,
      userId: olga.id,
      reason: "released",
      channelIds: [a, b],
    });
    expect(speakerOf(a)).toBeNull();
    expect(speakerOf(b)).toBeNull();
  });

  it("patch.created, patch.updated and patch.deleted refetch the event's patches", () => {
    const { qc, dispatch } = setup();
    const [eventId, patchId] = [anId(), anId()];
    const key = queryKeys.eventPatches(eventId);
    const patch = {
      id: patchId,
      eventId,
      channelIds: [anId(), anId()],
      createdBy: anId(),
      createdAt: new Date(0).toISOString(),
    };
    for (const m of [
      { type: "patch.created", patch },
      { type: "patch.updated", patch },
      { type: "patch.deleted", patchId, eventId },
    ]) {
      qc.setQueryData(key, []);
      expect(qc.getQueryState(key)?.isInvalidated).toBe(false);
      dispatch(m);
      expect(qc.getQueryState(key)?.isInvalidated).toBe(true);
    }
  });
});
