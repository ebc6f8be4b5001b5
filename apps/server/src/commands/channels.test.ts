/**
 * Channel commands on a real core, SQLite and MySQL: who may remove whom (the policy's refusals
 * publish nothing), what is published after a change commits, and the creation quota.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestCore, refusal, seedUser, type TestCore } from "../test/core.js";
import { MODES } from "../test/harness.js";
import { createChannel, deleteChannel, removeChannelMember, updateChannelMember } from "./channels.js";
import { createEvent } from "./events.js";
import { joinByCode } from "./joinByCode.js";

describe.each(MODES)("channel commands (%s)", (mode) => {
  let t: TestCore;
  beforeAll(async () => {
    t = await createTestCore(mode, { env: { MAX_CHANNELS_PER_USER: "2" } });
  });
  afterAll(async () => t?.close());
  beforeEach(() => {
    t.live.clear();
    t.live.probe = undefined;
  });

  /** A standalone channel: its admin, a moderator and two members. */
  async function crew() {
    const [admin, moderator, a, b] = await Promise.all([1, 2, 3, 4].map(() => seedUser(t.core)));
    const channel = await createChannel(t.core, admin!.id, { name: "Crew" });
    for (const u of [moderator!, a!, b!]) await joinByCode(t.core, u.id, channel.inviteCode!);
    await updateChannelMember(t.core, admin!.id, channel.id, moderator!.id, { role: "moderator" });
    t.live.clear();
    return { admin: admin!, moderator: moderator!, a: a!, b: b!, channelId: channel.id };
  }

  it("removeChannelMember: refuses what the policy refuses and publishes nothing", async () => {
    const { admin, moderator, a, b, channelId } = await crew();
    expect(await refusal(removeChannelMember(t.core, a.id, channelId, b.id))).toBe("forbidden");
    expect(await refusal(removeChannelMember(t.core, moderator.id, channelId, admin.id))).toBe("forbidden");
    // The only admin may not leave: the channel would have nobody to run it.
    expect(await refusal(removeChannelMember(t.core, admin.id, channelId, admin.id))).toBe("conflict");
    const outsider = await seedUser(t.core);
    expect(await refusal(removeChannelMember(t.core, outsider.id, channelId, a.id))).toBe("not_a_member");
    expect(await refusal(removeChannelMember(t.core, admin.id, channelId, outsider.id))).toBe("not_found");
    expect(t.live.published).toEqual([]);
  });

  it("removeChannelMember: membership from an event changes on the event, not the channel", async () => {
    const [organiser, participant] = [await seedUser(t.core), await seedUser(t.core)];
    const event = await createEvent(t.core, organiser.id, { name: "Festival" });
    const stage = await createChannel(t.core, organiser.id, { name: "Stage", eventId: event.id });
    await joinByCode(t.core, participant.id, event.inviteCode!);
    t.live.clear();
    expect(await refusal(removeChannelMember(t.core, organiser.id, stage.id, participant.id))).toBe(
      "conflict",
    );
    expect(await refusal(removeChannelMember(t.core, participant.id, stage.id, participant.id))).toBe(
      "conflict",
    );
    expect(t.live.published).toEqual([]);
  });

  it("removeChannelMember: moderators remove members, members leave; access is revoked after the commit", async () => {
    const { moderator, a, b, channelId } = await crew();
    t.live.probe = async (p) =>
      p.name === "accessRevoked"
        ? (await t.core.repos.channels.findWithAccess(channelId, (p.args[1] as string[])[0]!))?.access
        : undefined;
    await removeChannelMember(t.core, moderator.id, channelId, a.id);
    await removeChannelMember(t.core, b.id, channelId, b.id);
    expect(t.live.of("accessRevoked").map((p) => [p.args, p.seen])).toEqual([
      [[channelId, [a.id]], null],
      [[channelId, [b.id]], null],
    ]);
  });

  it("updateChannelMember: a listen-only restriction is published as accessChanged once stored", async () => {
    const { moderator, a, channelId } = await crew();
    t.live.probe = async () =>
      (await t.core.repos.channels.findWithAccess(channelId, a.id))?.access?.canSpeak;
    const member = await updateChannelMember(t.core, moderator.id, channelId, a.id, { canSpeak: false });
    expect(member.canSpeak).toBe(false);
    expect(t.live.published.map((p) => [p.name, p.args, p.seen])).toEqual([
      ["accessChanged", [channelId, a.id], false],
    ]);
  });

  it("deleteChannel publishes channelDeleted once the channel is gone", async () => {
    const { admin, moderator, channelId } = await crew();
    expect(await refusal(deleteChannel(t.core, moderator.id, channelId))).toBe("forbidden");
    t.live.probe = () => t.core.repos.channels.findById(channelId);
    await deleteChannel(t.core, admin.id, channelId);
    expect(t.live.published.map((p) => [p.name, p.args, p.seen])).toEqual([
      ["channelDeleted", [channelId], undefined],
    ]);
  });

  it("createChannel stops at MAX_CHANNELS_PER_USER, standalone and in events alike", async () => {
    const organiser = await seedUser(t.core);
    const event = await createEvent(t.core, organiser.id, { name: "Festival" });
    await createChannel(t.core, organiser.id, { name: "A" });
    await createChannel(t.core, organiser.id, { name: "B", eventId: event.id });
    expect(await refusal(createChannel(t.core, organiser.id, { name: "C" }))).toBe("quota_exceeded");
    expect(await refusal(createChannel(t.core, organiser.id, { name: "D", eventId: event.id }))).toBe(
      "quota_exceeded",
    );
    expect(await t.core.repos.usage.channelsCreatedBy(organiser.id)).toBe(2);
  });
});
