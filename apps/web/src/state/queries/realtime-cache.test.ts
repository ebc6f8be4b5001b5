import { QueryClient } from "@tanstack/react-query";
import type { Channel, ChannelAbilities, EventWithChannels, ServerMessageOf } from "@won/protocol";
import { ServerMessage } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { aChannel, anEvent, noChannelAbilities } from "../../test/fixtures";
import { queryKeys as qk } from "./keys";
import { applyAccessChanged, realtimeCache } from "./realtime-cache";

const moderatorAbilities: ChannelAbilities = {
  ...noChannelAbilities,
  talk: true,
  interrupt: true,
  moderate: true,
  edit: true,
  invite: true,
  rotateInvite: true,
  requireAck: true,
};

function setup() {
  const qc = new QueryClient();
  const event = anEvent({ myRole: "participant" });
  const channel = aChannel({ eventId: event.id, myRole: "member", abilities: { talk: true } });
  const other = aChannel({ eventId: event.id, name: "Medical", abilities: { talk: true } });
  qc.setQueryData(qk.channel(channel.id), channel);
  qc.setQueryData(qk.channels, [channel, other]);
  qc.setQueryData(qk.event(event.id), { ...event, channels: [channel, other] });
  qc.setQueryData(qk.eventMembers(event.id), []);
  qc.setQueryData(qk.channelMembers(channel.id), []);
  return { qc, event, channel, other };
}

/** As it arrives on the socket: parsed with the protocol schema. */
function accessChanged(fields: Omit<ServerMessageOf<"access.changed">, "type">) {
  return ServerMessage.parse({ type: "access.changed", ...fields }) as ServerMessageOf<"access.changed">;
}

describe("access.changed in the query caches", () => {
  it("writes the new role, can-talk and abilities into every cached copy of the channel", () => {
    const { qc, event, channel, other } = setup();
    qc.setQueryData(qk.channelMembers(other.id), []);

    applyAccessChanged(
      qc,
      accessChanged({
        channelId: channel.id,
        myRole: "moderator",
        canSpeak: true,
        abilities: moderatorAbilities,
      }),
    );

    const expected = { myRole: "moderator", canSpeak: true, abilities: moderatorAbilities };
    expect(qc.getQueryData<Channel>(qk.channel(channel.id))).toMatchObject(expected);
    const list = qc.getQueryData<Channel[]>(qk.channels)!;
    expect(list.find((c) => c.id === channel.id)).toMatchObject(expected);
    const ev = qc.getQueryData<EventWithChannels>(qk.event(event.id))!;
    expect(ev.channels.find((c) => c.id === channel.id)).toMatchObject(expected);
    // The other channel is untouched.
    expect(list.find((c) => c.id === other.id)).toEqual(other);
    expect(ev.channels.find((c) => c.id === other.id)).toEqual(other);
    // The event's members list is not mistaken for an event.
    expect(qc.getQueryData(qk.eventMembers(event.id))).toEqual([]);

    // What I may do to each member depends on my role; the event's own abilities may have
    // changed too (an event role change arrives as access.changed on each channel).
    const stale = (key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated;
    expect(stale(qk.channelMembers(channel.id))).toBe(true);
    expect(stale(qk.event(event.id))).toBe(true);
    expect(stale(qk.eventMembers(event.id))).toBe(true);
    expect(stale(qk.channelMembers(other.id))).toBe(false);
    // The channel itself needs no refetch: the message carried everything.
    expect(stale(qk.channel(channel.id))).toBe(false);
  });

  it("a moderator restricted to listening loses talk and interrupt at once", () => {
    const { qc, channel } = setup();
    qc.setQueryData(qk.channel(channel.id), {
      ...channel,
      myRole: "moderator",
      abilities: moderatorAbilities,
    });

    applyAccessChanged(
      qc,
      accessChanged({
        channelId: channel.id,
        myRole: "moderator",
        canSpeak: false,
        abilities: { ...moderatorAbilities, talk: false, interrupt: false },
      }),
    );

    const c = qc.getQueryData<Channel>(qk.channel(channel.id))!;
    expect(c.canSpeak).toBe(false);
    expect(c.abilities.talk).toBe(false);
    expect(c.abilities.interrupt).toBe(false);
    expect(c.abilities.moderate).toBe(true);
  });

  it("a channel that is not cached anywhere is left alone", () => {
    const qc = new QueryClient();
    const channel = aChannel();
    applyAccessChanged(
      qc,
      accessChanged({
        channelId: channel.id,
        myRole: "admin",
        canSpeak: true,
        abilities: moderatorAbilities,
      }),
    );
    expect(qc.getQueryData(qk.channel(channel.id))).toBeUndefined();
    expect(qc.getQueryData(qk.channels)).toBeUndefined();
  });
});

describe("channel events in the query caches", () => {
  const stale = (qc: QueryClient, key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated;

  it("channel.updated refetches the channel, my channels and its event", () => {
    const { qc, event, channel, other } = setup();
    realtimeCache(qc).channelUpdated(channel);
    expect(stale(qc, qk.channel(channel.id))).toBe(true);
    expect(stale(qc, qk.channels)).toBe(true);
    expect(stale(qc, qk.event(event.id))).toBe(true);
    qc.setQueryData(qk.channel(other.id), other);
    expect(stale(qc, qk.channel(other.id))).toBe(false);
  });

  it("a channel that is gone refetches my lists", () => {
    const { qc } = setup();
    qc.setQueryData(qk.events, []);
    realtimeCache(qc).channelGone(anEvent().id);
    expect(stale(qc, qk.channels)).toBe(true);
    expect(stale(qc, qk.events)).toBe(true);
  });
});
