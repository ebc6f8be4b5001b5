/**
 * Direct channels and patches in the database, on SQLite AND on MySQL: one channel per pair under
 * concurrent opens, who shares what, one patch per channel, and what deletes take with them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { createRepos, type Repos } from "../context.js";
import { type Database, migrateToLatest, openDatabase } from "../db/database.js";
import { createBacking, MODES } from "../test/harness.js";
import { directKey } from "./direct-channels.js";

describe.each(MODES)("targeted-talk repositories (%s)", (mode) => {
  let database: Database;
  let repos: Repos;

  beforeAll(async () => {
    const backing = await createBacking(mode);
    const config = loadConfig(backing.env);
    database = openDatabase(config.database);
    await migrateToLatest(database);
    repos = createRepos(database.db, config);
  });
  afterAll(async () => {
    await database?.close();
  });

  const code = () => randomBytes(4).toString("hex").toUpperCase();
  const row = (created_by: string, event_id: string | null = null) => ({
    id: randomUUID(),
    event_id,
    name: "c",
    description: "",
    invite_code: code(),
    created_by,
    created_at: Date.now(),
  });

  async function user(): Promise<string> {
    const id = randomUUID();
    const name = `t${randomBytes(6).toString("hex")}`;
    await repos.users.create({
      id,
      username: name,
      email: `${name}@example.test`,
      password_hash: "x",
      display_name: name,
      created_at: Date.now(),
    });
    return id;
  }

  async function event(organiser: string): Promise<string> {
    const id = randomUUID();
    await repos.events.create({
      id,
      name: "e",
      description: "",
      starts_at: null,
      ends_at: null,
      invite_code: code(),
      created_by: organiser,
      created_at: Date.now(),
    });
    return id;
  }

  async function eventChannel(eventId: string, creator: string): Promise<string> {
    const r = row(creator, eventId);
    await repos.channels.create(r, null);
    return r.id;
  }

  it("keys a pair the same way from both ends, and creates one channel under concurrent opens", async () => {
    const [a, b] = [await user(), await user()];
    expect(directKey(a, b)).toBe(directKey(b, a));
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const { event_id: _e, ...r } = row(i % 2 ? a : b);
        return repos.direct.create(r, i % 2 ? a : b, i % 2 ? b : a).catch((err: unknown) => err);
      }),
    );
    expect(attempts.filter((x) => x === true)).toHaveLength(1);
    expect(attempts.filter((x) => x === false)).toHaveLength(7);
    const found = await repos.direct.find(b, a);
    expect(found).toMatchObject({ kind: "direct", event_id: null, direct_key: directKey(a, b) });
    const access = await repos.channels.findWithAccess(found!.id, a);
    expect(access?.access).toMatchObject({ role: "member", canSpeak: true, directChannel: true });
    expect((await repos.channels.members(found!)).map((m) => m.user_id).sort()).toEqual([a, b].sort());
    const listed = await repos.channels.listForUser(b);
    expect(listed.find((x) => x.channel.id === found!.id)?.access.directChannel).toBe(true);
  });

  it("two users share an event, or a group channel, never a direct one alone", async () => {
    const [org, part, stranger, chanOnly, lone] = await Promise.all([1, 2, 3, 4, 5].map(() => user()));
    const eventId = await event(org);
    await repos.events.addMember(eventId, part, "participant");
    const ch = await eventChannel(eventId, org);
    await repos.channels.addMember(ch, chanOnly, "member");
    expect(await repos.direct.shareAnything(org, part)).toBe(true);
    expect(await repos.direct.shareAnything(chanOnly, part)).toBe(true);
    expect(await repos.direct.shareAnything(part, chanOnly)).toBe(true);
    expect(await repos.direct.shareAnything(org, stranger)).toBe(false);
    const { event_id: _e, ...r } = row(stranger);
    expect(await repos.direct.create(r, stranger, lone)).toBe(true);
    expect(await repos.direct.shareAnything(stranger, lone)).toBe(false);
  });

  it("a channel is in one patch at most; deleting a channel or the event takes the patch rows", async () => {
    const org = await user();
    const eventId = await event(org);
    const [c1, c2, c3] = [
      await eventChannel(eventId, org),
      await eventChannel(eventId, org),
      await eventChannel(eventId, org),
    ];
    const patch = await repos.patches.create(eventId, [c2, c1], org);
    expect(patch).toMatchObject({ event_id: eventId, channel_ids: [c2, c1] });
    expect(await repos.patches.create(eventId, [c1, c3], org)).toBe("already_patched");
    const otherEvent = await event(org);
    expect(await repos.patches.create(otherEvent, [c3, await eventChannel(eventId, org)], org)).toBe(
      "foreign_channel",
    );
    // Two concurrent patches of one channel: one wins.
    const [d1, d2] = [await eventChannel(eventId, org), await eventChannel(eventId, org)];
    const race = await Promise.all([
      repos.patches.create(eventId, [c3, d1], org),
      repos.patches.create(eventId, [c3, d2], org),
    ]);
    expect(race.filter((x) => typeof x === "object")).toHaveLength(1);
    expect(race.filter((x) => x === "already_patched")).toHaveLength(1);

    const id = (patch as { id: string }).id;
    expect((await repos.patches.findByChannel(c1))?.id).toBe(id);
    await repos.channels.delete(c1);
    expect((await repos.patches.findById(id))?.channel_ids).toEqual([c2]);
    expect(await repos.patches.delete(id)).toBe(true);
    expect(await repos.patches.delete(id)).toBe(false);
    expect((await repos.patches.listForEvent(eventId)).length).toBe(1);
    await repos.events.delete(eventId);
    expect(await repos.patches.listForEvent(eventId)).toEqual([]);
  });
});
