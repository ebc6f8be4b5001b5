import type { Channel } from "@won/protocol";
import { ServerMessage } from "@won/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { qk } from "../api/queries";
import { queryClient } from "../api/query-client";
import { aChannel, noChannelAbilities } from "../test/fixtures";
import type { RealtimeConnection } from "./connection";
import { dispatch } from "./dispatch";

afterEach(() => queryClient.clear());

describe("dispatch", () => {
  it("access.changed updates the app's cached channel with the abilities it carries", () => {
    const channel = aChannel({ myRole: "member", canSpeak: true, abilities: { talk: true } });
    queryClient.setQueryData(qk.channel(channel.id), channel);
    queryClient.setQueryData(qk.channels, [channel]);

    const abilities = { ...noChannelAbilities, talk: false, moderate: true };
    const raw = {
      type: "access.changed",
      channelId: channel.id,
      myRole: "moderator",
      canSpeak: false,
      abilities,
    };
    dispatch(ServerMessage.parse(raw), {} as RealtimeConnection);

    const expected = { myRole: "moderator", canSpeak: false, abilities };
    expect(queryClient.getQueryData<Channel>(qk.channel(channel.id))).toMatchObject(expected);
    expect(queryClient.getQueryData<Channel[]>(qk.channels)?.[0]).toMatchObject(expected);
  });
});
