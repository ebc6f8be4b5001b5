/** joinByCode on a real core, SQLite and MySQL: idempotent, never demotes, rate limited per user. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCore, refusal, seedUser, type TestCore } from "../test/core.js";
import { MODES } from "../test/harness.js";
import { createChannel } from "./channels.js";
import { createEvent } from "./events.js";
import { joinByCode } from "./joinByCode.js";

describe.each(MODES)("joinByCode (%s)", (mode) => {
  let t: TestCore;
  beforeAll(async () => {
    t = await createTestCore(mode, { env: { RATE_JOIN_PER_USER: "3" } });
  });
  afterAll(async () => t?.close());

  it("joins an event once: a second join returns the same body and changes nothing", async () => {
    const [organiser, guest] = [await seedUser(t.core), await seedUser(t.core)];
    const event = await createEvent(t.core, organiser.id, { name: "Festival" });
    await createChannel(t.core, organiser.id, { name: "Stage", eventId: event.id });
    const first = await joinByCode(t.core, guest.id, event.inviteCode!);
    expect(first.kind).toBe("event");
    expect(await joinByCode(t.core, guest.id, event.inviteCode!)).toEqual(first);
    expect(await t.core.repos.events.memberCount(event.id)).toBe(2);
    // The organiser using their own code stays organiser.
    const own = await joinByCode(t.core, organiser.id, event.inviteCode!);
    expect(own.event?.myRole).toBe("organiser");
    expect(t.live.published).toEqual([]);
  });

  it("joins a channel once, and its admin stays admin", async () => {
    const [admin, guest] = [await seedUser(t.core), await seedUser(t.core)];
    const channel = await createChannel(t.core, admin.id, { name: "Radio" });
    const first = await joinByCode(t.core, guest.id, channel.inviteCode!);
    expect(first.channel?.myRole).toBe("member");
    expect(await joinByCode(t.core, guest.id, channel.inviteCode!)).toEqual(first);
    const members = await t.core.repos.channels.members({ id: channel.id, event_id: null });
    expect(members.map((m) => m.user_id).sort()).toEqual([admin.id, guest.id].sort());
    const own = await joinByCode(t.core, admin.id, channel.inviteCode!);
    expect(own.channel?.myRole).toBe("admin");
  });

  it("answers invalid_code for an unknown code, and rate-limits attempts per user", async () => {
    const guesser = await seedUser(t.core);
    for (const code of ["AAAAAAAA", "BBBBBBBB", "CCCCCCCC"])
      expect(await refusal(joinByCode(t.core, guesser.id, code))).toBe("invalid_code");
    expect(await refusal(joinByCode(t.core, guesser.id, "DDDDDDDD"))).toBe("rate_limited");
    // Someone else is not held back by it.
    expect(await refusal(joinByCode(t.core, (await seedUser(t.core)).id, "DDDDDDDD"))).toBe("invalid_code");
  });
});
