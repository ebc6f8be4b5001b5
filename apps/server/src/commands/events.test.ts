/**
 * Event commands on a real core, SQLite and MySQL: role changes and removals are published to
 * every channel of the event after they commit, a demotion drops the per-channel raises it
 * leaves behind, refusals publish nothing, and the creation quota binds users but not the
 * operator's path.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestCore, refusal, seedUser, type TestCore } from "../test/core.js";
import { MODES } from "../test/harness.js";
import { createChannel, updateChannelMember } from "./channels.js";
import { createEvent, createEventForOwner, removeEventMember, setEventRole } from "./events.js";
import { joinByCode } from "./joinByCode.js";

describe.each(MODES)("event commands (%s)", (mode) => {
  let t: TestCore;
  beforeAll(async () => {
    t = await createTestCore(mode, { env: { MAX_EVENTS_PER_USER: "2" } });
  });
  afterAll(async () => t?.close());
  beforeEach(() => {
    t.live.clear();
    t.live.probe = undefined;
  });

  /** An event with two channels, its organiser and a moderator who is admin of the first. */
  async function festival() {
    const [organiser, moderator] = [await seedUser(t.core), await seedUser(t.core)];
    const event = await createEvent(t.core, organiser.id, { name: "Festival" });
    const stage = await createChannel(t.core, organiser.id, { name: "Stage", eventId: event.id });
    const gate = await createChannel(t.core, organiser.id, { name: "Gate", eventId: event.id });
    await joinByCode(t.core, moderator.id, event.inviteCode!);
    await setEventRole(t.core, organiser.id, event.id, moderator.id, "moderator");
    await updateChannelMember(t.core, organiser.id, stage.id, moderator.id, { role: "admin" });
    t.live.clear();
    return { organiser, moderator, eventId: event.id, channelIds: [stage.id, gate.id] };
  }

  const roleIn = async (channelId: string, userId: string) =>
    (await t.core.repos.channels.findWithAccess(channelId, userId))?.access?.role;

  it("setEventRole: a demotion drops channel raises and publishes accessChanged per channel, after the commit", async () => {
    const { organiser, moderator, eventId, channelIds } = await festival();
    const [stage, gate] = channelIds as [string, string];
    expect(await roleIn(stage, moderator.id)).toBe("admin");
    expect(await roleIn(gate, moderator.id)).toBe("moderator");
    t.live.probe = (p) =>
      p.name === "accessChanged" ? roleIn(p.args[0] as string, moderator.id) : undefined;

    const member = await setEventRole(t.core, organiser.id, eventId, moderator.id, "participant");
    expect(member.role).toBe("participant");
    const changed = t.live.of("accessChanged");
    expect(changed.map((p) => p.args).sort()).toEqual(channelIds.map((id) => [id, moderator.id]).sort());
    // Each notice went out once the demotion was stored: the raise was gone by then.
    expect(changed.map((p) => p.seen)).toEqual(["member", "member"]);
    expect(t.live.published).toHaveLength(2);
  });

  it("setEventRole refuses non-organisers and the last organiser's step down, publishing nothing", async () => {
    const { organiser, moderator, eventId } = await festival();
    expect(await refusal(setEventRole(t.core, moderator.id, eventId, moderator.id, "organiser"))).toBe(
      "forbidden",
    );
    expect(await refusal(setEventRole(t.core, organiser.id, eventId, organiser.id, "participant"))).toBe(
      "last_organiser",
    );
    expect(t.live.published).toEqual([]);
  });

  it("removeEventMember revokes access to every channel of the event", async () => {
    const { organiser, moderator, eventId, channelIds } = await festival();
    t.live.probe = (p) =>
      p.name === "accessRevoked" ? roleIn(p.args[0] as string, moderator.id) : undefined;
    await removeEventMember(t.core, organiser.id, eventId, moderator.id);
    const revoked = t.live.of("accessRevoked");
    expect(revoked.map((p) => p.args).sort()).toEqual(channelIds.map((id) => [id, [moderator.id]]).sort());
    expect(revoked.map((p) => p.seen)).toEqual([undefined, undefined]);
  });

  it("removeEventMember: moderators may not remove organisers, and the last organiser may not leave", async () => {
    const { organiser, moderator, eventId } = await festival();
    expect(await refusal(removeEventMember(t.core, moderator.id, eventId, organiser.id))).toBe("forbidden");
    expect(await refusal(removeEventMember(t.core, organiser.id, eventId, organiser.id))).toBe(
      "last_organiser",
    );
    expect(t.live.published).toEqual([]);
  });

  it("createEvent stops at MAX_EVENTS_PER_USER; the operator's createEventForOwner does not", async () => {
    const owner = await seedUser(t.core);
    await createEvent(t.core, owner.id, { name: "One" });
    await createEvent(t.core, owner.id, { name: "Two" });
    expect(await refusal(createEvent(t.core, owner.id, { name: "Three" }))).toBe("quota_exceeded");
    const byOperator = await createEventForOwner(t.core, owner.id, { name: "Harbour Festival" });
    expect(byOperator).toMatchObject({ name: "Harbour Festival", myRole: "organiser", memberCount: 1 });
    expect(await t.core.repos.events.roleOf(byOperator.id, owner.id)).toBe("organiser");
    // Another user's quota is their own.
    await createEvent(t.core, (await seedUser(t.core)).id, { name: "Mine" });
  });
});
