/**
 * Repository behaviour that the rest of the server relies on, on SQLite AND on MySQL:
 * refresh-token rotation and reuse, gap-free message seqs under concurrency, idempotent posts,
 * history paging, channel access derived from event roles, and event delete cascades.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { createRepos, type Repos } from "../context.js";
import { type Database, migrateToLatest, openDatabase } from "../db/database.js";
import { createBacking, MODES } from "../test/harness.js";
import { ChannelGoneError, MAX_APPEND_BATCH, MessagesRepo } from "./messages.js";
import { SessionsRepo } from "./sessions.js";
import { UsersRepo } from "./users.js";

describe.each(MODES)("repositories (%s)", (mode) => {
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

  async function user(): Promise<string> {
    const id = randomUUID();
    const name = `r${randomBytes(6).toString("hex")}`;
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

  const code = () => randomBytes(4).toString("hex").toUpperCase();

  async function standaloneChannel(admin: string): Promise<string> {
    const id = randomUUID();
    await repos.channels.create(
      {
        id,
        event_id: null,
        name: "c",
        description: "",
        invite_code: code(),
        created_by: admin,
        created_at: Date.now(),
      },
      "admin",
    );
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

  async function eventChannel(eventId: string, creator: string, createdAt = Date.now()): Promise<string> {
    const id = randomUUID();
    await repos.channels.create(
      {
        id,
        event_id: eventId,
        name: "ec",
        description: "",
        invite_code: code(),
        created_by: creator,
        created_at: createdAt,
      },
      null,
    );
    return id;
  }

  describe("sessions", () => {
    it("rotates: the new token works once, the old one is reuse and revokes the family", async () => {
      const uid = await user();
      const { sessionId, refreshToken: t0 } = await repos.sessions.create(uid);
      expect(await repos.sessions.isActive(sessionId)).toBe(true);

      const r1 = await repos.sessions.rotate(t0);
      expect(r1).toMatchObject({ status: "ok", sessionId, userId: uid });
      const t1 = (r1 as { refreshToken: string }).refreshToken;
      expect(t1).not.toBe(t0);

      const r2 = await repos.sessions.rotate(t1);
      expect(r2.status).toBe("ok");
      const t2 = (r2 as { refreshToken: string }).refreshToken;

      // t0 was already used: reuse, and the whole family is revoked.
      expect(await repos.sessions.rotate(t0)).toEqual({ status: "reused", sessionId, userId: uid });
      expect(await repos.sessions.isActive(sessionId)).toBe(false);
      // The newest token of the family is dead too.
      expect(await repos.sessions.rotate(t2)).toEqual({ status: "invalid" });
    });

    it("unknown tokens are invalid, and other sessions are untouched by a reuse", async () => {
      const uid = await user();
      expect(await repos.sessions.rotate("not-a-token")).toEqual({ status: "invalid" });
      const a = await repos.sessions.create(uid);
      const b = await repos.sessions.create(uid);
      await repos.sessions.rotate(a.refreshToken);
      expect((await repos.sessions.rotate(a.refreshToken)).status).toBe("reused");
      expect(await repos.sessions.isActive(b.sessionId)).toBe(true);
      expect((await repos.sessions.rotate(b.refreshToken)).status).toBe("ok");
    });

    it("two concurrent rotations of one token: exactly one ok, one reused", async () => {
      for (let round = 0; round < 3; round++) {
        const uid = await user();
        const { sessionId, refreshToken } = await repos.sessions.create(uid);
        const results = await Promise.all([
          repos.sessions.rotate(refreshToken),
          repos.sessions.rotate(refreshToken),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual(["ok", "reused"]);
        // Reuse revoked the family, including the token the winner just got.
        expect(await repos.sessions.isActive(sessionId)).toBe(false);
        const winner = results.find((r) => r.status === "ok") as { refreshToken: string };
        expect((await repos.sessions.rotate(winner.refreshToken)).status).toBe("invalid");
      }
    });

    it("expired sessions cannot refresh and are purged with their tokens", async () => {
      const uid = await user();
      const expired = new SessionsRepo(database.db, -1_000);
      const { sessionId, refreshToken } = await expired.create(uid);
      expect(await repos.sessions.isActive(sessionId)).toBe(false);
      expect(await repos.sessions.rotate(refreshToken)).toEqual({ status: "invalid" });
      const live = await repos.sessions.create(uid);
      expect(await repos.sessions.purgeExpired()).toBeGreaterThanOrEqual(1);
      expect(await repos.sessions.sessionOf(refreshToken)).toBeUndefined();
      const tokens = await database.db
        .selectFrom("refresh_tokens")
        .select("token_hash")
        .where("session_id", "=", sessionId)
        .execute();
      expect(tokens).toEqual([]);
      expect((await repos.sessions.rotate(live.refreshToken)).status).toBe("ok");
    });

    it("revoke ends the session; sessionOf finds it by any of its tokens", async () => {
      const uid = await user();
      const { sessionId, refreshToken } = await repos.sessions.create(uid);
      const r = (await repos.sessions.rotate(refreshToken)) as { refreshToken: string };
      expect(await repos.sessions.sessionOf(refreshToken)).toEqual({ sessionId, userId: uid });
      expect(await repos.sessions.sessionOf(r.refreshToken)).toEqual({ sessionId, userId: uid });
      await repos.sessions.revoke(sessionId);
      expect(await repos.sessions.isActive(sessionId)).toBe(false);
      expect(await repos.sessions.rotate(r.refreshToken)).toEqual({ status: "invalid" });
    });
  });

  describe("user profiles", () => {
    const rename = (id: string, name: string) =>
      database.db.updateTable("users").set({ display_name: name }).where("id", "=", id).execute();

    it("serves public fields only, from the cache once read", async () => {
      const id = await user();
      const first = await repos.users.profile(id);
      expect(Object.keys(first!).sort()).toEqual(["created_at", "display_name", "id", "username"]);
      // Changed behind the repository's back: the cached profile is served (for PROFILE_TTL_MS).
      await rename(id, "behind");
      expect((await repos.users.profile(id))!.display_name).toBe(first!.display_name);
      expect(await repos.users.profile(randomUUID())).toBeUndefined();
    });

    it("an update through the repository is seen at once, even one overlapping a read", async () => {
      const id = await user();
      await repos.users.profile(id);
      await repos.users.update(id, { display_name: "Renamed" });
      expect((await repos.users.profile(id))!.display_name).toBe("Renamed");
      // A read racing an update must not cache the name it read before the update.
      const fresh = new UsersRepo(database.db);
      const racing = fresh.profile(id);
      await fresh.update(id, { display_name: "Again" });
      await racing;
      expect((await fresh.profile(id))!.display_name).toBe("Again");
    });

    it("keeps at most its bound, dropping the least recently read", async () => {
      const small = new UsersRepo(database.db, 2);
      const [a, b, c] = [await user(), await user(), await user()];
      await small.profile(a);
      await small.profile(b);
      await small.profile(a); // a is now the most recent
      await small.profile(c); // b goes
      await Promise.all([rename(a, "a2"), rename(b, "b2"), rename(c, "c2")]);
      expect((await small.profile(a))!.display_name).not.toBe("a2");
      expect((await small.profile(c))!.display_name).not.toBe("c2");
      expect((await small.profile(b))!.display_name).toBe("b2");
    });
  });

  describe("messages", () => {
    it("50 concurrent appends to one channel get seqs 1..50 with no gaps or repeats", async () => {
      const uid = await user();
      const channelId = await standaloneChannel(uid);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          repos.messages.append(channelId, { senderId: uid, kind: "text", body: `m${i}` }),
        ),
      );
      expect(results.every((r) => r.created)).toBe(true);
      const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const stored = await repos.messages.page(channelId, { limit: 200 });
      expect(stored.rows.map((r) => r.seq)).toEqual(seqs);
      expect(Number((await repos.channels.findById(channelId))!.last_seq)).toBe(50);
    });

    it("concurrent appends group-commit: in arrival order, far fewer transactions than messages", async () => {
      const uid = await user();
      const channelId = await standaloneChannel(uid);
      const before = repos.messages.stats.transactions;
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          repos.messages.append(channelId, { senderId: uid, kind: "text", body: `m${i}` }),
        ),
      );
      const used = repos.messages.stats.transactions - before;
      // The first goes alone; the rest wait for it and go in batches of at most MAX_APPEND_BATCH.
      expect(used).toBeGreaterThanOrEqual(1 + Math.ceil(99 / MAX_APPEND_BATCH));
      expect(used).toBeLessThan(10);
      expect(results.map((r) => r.message.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(results.map((r) => r.message.body)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    });

    it("two instances appending to one channel at once: gap-free seqs across both", async () => {
      const uid = await user();
      const channelId = await standaloneChannel(uid);
      const other = new MessagesRepo(database.db, database.dialect);
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 2 ? other : repos.messages).append(channelId, { senderId: uid, kind: "text", body: `m${i}` }),
        ),
      );
      const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      const stored = await repos.messages.page(channelId, { limit: 200 });
      expect(stored.rows.map((r) => r.seq)).toEqual(seqs);
    });

    it("a repeated clientId inside a batch: the others are stored, the repeat answers the first", async () => {
      const uid = await user();
      const channelId = await standaloneChannel(uid);
      const results = await Promise.all([
        repos.messages.append(channelId, { senderId: uid, kind: "text", body: "lead" }),
        ...["a", "dup", "b", "dup", "c"].map((k, i) =>
          repos.messages.append(channelId, { senderId: uid, kind: "text", body: `${k}${i}`, clientId: k }),
        ),
      ]);
      expect(results.map((r) => r.created)).toEqual([true, true, true, true, false, true]);
      expect(results[4]!.message.id).toBe(results[2]!.message.id);
      const stored = await repos.messages.page(channelId, { limit: 200 });
      expect(stored.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(stored.rows.map((r) => r.body)).toEqual(["lead", "a0", "dup1", "b2", "c4"]);
    });

    it("concurrent appends to different channels each count from 1", async () => {
      const uid = await user();
      const [a, b] = await Promise.all([standaloneChannel(uid), standaloneChannel(uid)]);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          repos.messages.append(i % 2 ? a : b, { senderId: uid, kind: "text", body: "x" }),
        ),
      );
      for (const ch of [a, b]) {
        const seqs = results
          .filter((r) => r.message.channel_id === ch)
          .map((r) => r.message.seq)
          .sort((x, y) => x - y);
        expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }
    });

    it("clientId is idempotent per sender, sequentially and concurrently, and burns no seq", async () => {
      const alice = await user();
      const bob = await user();
      const channelId = await standaloneChannel(alice);
      const first = await repos.messages.append(channelId, {
        senderId: alice,
        kind: "text",
        body: "hi",
        clientId: "c1",
      });
      expect(first.created).toBe(true);
      const again = await repos.messages.append(channelId, {
        senderId: alice,
        kind: "text",
        body: "hi (retry)",
        clientId: "c1",
      });
      expect(again.created).toBe(false);
      expect(again.message.id).toBe(first.message.id);
      expect(again.message.body).toBe("hi");
      expect(Number(again.message.seq)).toBe(1);

      // Another sender may use the same clientId.
      const bobs = await repos.messages.append(channelId, {
        senderId: bob,
        kind: "text",
        body: "yo",
        clientId: "c1",
      });
      expect(bobs.created).toBe(true);
      expect(bobs.message.seq).toBe(2);

      // Concurrent duplicates: one message, and the loser's seq is given back.
      const racing = await Promise.all(
        Array.from({ length: 5 }, () =>
          repos.messages.append(channelId, { senderId: alice, kind: "text", body: "race", clientId: "c2" }),
        ),
      );
      expect(racing.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(racing.map((r) => r.message.id)).size).toBe(1);
      const next = await repos.messages.append(channelId, { senderId: alice, kind: "text", body: "after" });
      expect(next.message.seq).toBe(4);
      const all = await repos.messages.page(channelId, { limit: 200 });
      expect(all.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    });

    it("appending to a channel that is gone throws ChannelGoneError and stores nothing", async () => {
      const uid = await user();
      const channelId = await standaloneChannel(uid);
      await repos.channels.delete(channelId);
      await expect(
        repos.messages.append(channelId, { senderId: uid, kind: "text", body: "x" }),
      ).rejects.toBeInstanceOf(ChannelGoneError);
      expect((await repos.messages.page(channelId, { limit: 10 })).rows).toEqual([]);
    });

    it("pages newest first, before, after, with hasMore", async () => {
      const uid = await user();
      const channelId = await standaloneChannel(uid);
      for (let i = 1; i <= 10; i++)
        await repos.messages.append(channelId, { senderId: uid, kind: "text", body: `m${i}` });
      const seqs = (p: { rows: { seq: number }[]; hasMore: boolean }) => [
        p.rows.map((r) => r.seq),
        p.hasMore,
      ];

      expect(seqs(await repos.messages.page(channelId, { limit: 3 }))).toEqual([[8, 9, 10], true]);
      expect(seqs(await repos.messages.page(channelId, { limit: 10 }))).toEqual([
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        false,
      ]);
      expect(seqs(await repos.messages.page(channelId, { before: 8, limit: 3 }))).toEqual([[5, 6, 7], true]);
      expect(seqs(await repos.messages.page(channelId, { before: 4, limit: 3 }))).toEqual([[1, 2, 3], false]);
      expect(seqs(await repos.messages.page(channelId, { before: 3, limit: 5 }))).toEqual([[1, 2], false]);
      expect(seqs(await repos.messages.page(channelId, { before: 1, limit: 5 }))).toEqual([[], false]);
      expect(seqs(await repos.messages.page(channelId, { after: 0, limit: 4 }))).toEqual([
        [1, 2, 3, 4],
        true,
      ]);
      expect(seqs(await repos.messages.page(channelId, { after: 7, limit: 2 }))).toEqual([[8, 9], true]);
      expect(seqs(await repos.messages.page(channelId, { after: 7, limit: 3 }))).toEqual([[8, 9, 10], false]);
      expect(seqs(await repos.messages.page(channelId, { after: 10, limit: 3 }))).toEqual([[], false]);
      const page = await repos.messages.page(channelId, { after: 0, limit: 1 });
      expect(page.rows[0]).toMatchObject({ body: "m1", kind: "text", sender_id: uid, channel_id: channelId });
      expect(typeof page.rows[0]!.created_at).toBe("number");
    });
  });

  describe("channel access", () => {
    it("event organiser → admin, moderator → moderator, participant → member; direct rows; overrides", async () => {
      const [org, mod, part, direct, outsider] = await Promise.all([user(), user(), user(), user(), user()]);
      const eventId = await event(org);
      expect(await repos.events.addMember(eventId, mod, "moderator")).toBe(true);
      expect(await repos.events.addMember(eventId, part, "participant")).toBe(true);
      expect(await repos.events.addMember(eventId, part, "organiser")).toBe(false);
      expect(await repos.events.roleOf(eventId, part)).toBe("participant");
      const channelId = await eventChannel(eventId, org);
      const ch = (await repos.channels.findById(channelId))!;

      expect(await repos.channels.access(ch, org)).toEqual({
        role: "admin",
        canSpeak: true,
        eventRole: "organiser",
        direct: false,
      });
      expect(await repos.channels.access(ch, mod)).toEqual({
        role: "moderator",
        canSpeak: true,
        eventRole: "moderator",
        direct: false,
      });
      expect(await repos.channels.access(ch, part)).toEqual({
        role: "member",
        canSpeak: true,
        eventRole: "participant",
        direct: false,
      });
      expect(await repos.channels.access(ch, outsider)).toBeNull();

      // A direct member (joined by channel code) without an event role.
      expect(await repos.channels.addMember(channelId, direct, "member")).toBe(true);
      expect(await repos.channels.addMember(channelId, direct, "admin")).toBe(false);
      expect(await repos.channels.access(ch, direct)).toEqual({
        role: "member",
        canSpeak: true,
        eventRole: null,
        direct: true,
      });

      // Raise a participant, restrict them; a row cannot lower an organiser.
      await repos.channels.setRole(channelId, part, "participant", "moderator");
      await repos.channels.setRestricted(channelId, part, true, org);
      expect(await repos.channels.access(ch, part)).toEqual({
        role: "moderator",
        canSpeak: false,
        eventRole: "participant",
        direct: true,
      });
      await repos.channels.setRole(channelId, org, "organiser", "member");
      expect((await repos.channels.access(ch, org))?.role).toBe("admin");

      const members = await repos.channels.members(ch);
      const byUser = Object.fromEntries(members.map((m) => [m.user_id, m.grant]));
      expect(Object.keys(byUser).sort()).toEqual([org, mod, part, direct].sort());
      expect(byUser[org]).toMatchObject({ role: "admin", eventRole: "organiser", canSpeak: true });
      expect(byUser[mod]).toMatchObject({ role: "moderator", eventRole: "moderator" });
      expect(byUser[part]).toMatchObject({ role: "moderator", eventRole: "participant", canSpeak: false });
      expect(byUser[direct]).toMatchObject({ role: "member", eventRole: null, canSpeak: true });

      // The event's channels appear in each member's channel list, with their access.
      const listed = await repos.channels.listForUser(part);
      expect(listed.find((l) => l.channel.id === channelId)?.access).toEqual({
        role: "moderator",
        canSpeak: false,
        eventRole: "participant",
        direct: true,
      });
      expect((await repos.channels.listForUser(outsider)).some((l) => l.channel.id === channelId)).toBe(
        false,
      );

      // Leaving the event removes access and the raise with it; the restriction stays.
      await repos.events.removeMember(eventId, part);
      expect(await repos.channels.access(ch, part)).toBeNull();
      await repos.events.addMember(eventId, part, "participant");
      expect(await repos.channels.access(ch, part)).toEqual({
        role: "member",
        canSpeak: false,
        eventRole: "participant",
        direct: false,
      });
      await repos.channels.setRestricted(channelId, part, false, org);
      expect((await repos.channels.access(ch, part))?.canSpeak).toBe(true);
    });

    it("a channel row never copies the event role: a demotion in the event leaves no channel power", async () => {
      const [org, org2] = await Promise.all([user(), user()]);
      const eventId = await event(org);
      await repos.events.addMember(eventId, org2, "organiser");
      const channelId = await eventChannel(eventId, org);
      const ch = (await repos.channels.findById(channelId))!;
      // Staff "set" the role the event already gives: nothing is stored.
      await repos.channels.setRole(channelId, org2, "organiser", "admin");
      await repos.channels.setRestricted(channelId, org2, true, org);
      await repos.channels.setRestricted(channelId, org2, false, org);
      expect(await repos.events.setRole(eventId, org2, "participant")).toBe("ok");
      expect((await repos.channels.access(ch, org2))?.role).toBe("member");
      // A deliberate raise is dropped by an event-role change too.
      await repos.channels.setRole(channelId, org2, "participant", "admin");
      expect((await repos.channels.access(ch, org2))?.role).toBe("admin");
      await repos.events.setRole(eventId, org2, "moderator");
      expect((await repos.channels.access(ch, org2))?.role).toBe("moderator");
    });

    it("standalone channels: creator is admin, members are rows; counts and removal", async () => {
      const [admin, member] = await Promise.all([user(), user()]);
      const channelId = await standaloneChannel(admin);
      const ch = (await repos.channels.findById(channelId))!;
      expect(await repos.channels.access(ch, admin)).toEqual({
        role: "admin",
        canSpeak: true,
        eventRole: null,
        direct: true,
      });
      expect(await repos.channels.adminCount(channelId)).toBe(1);
      await repos.channels.addMember(channelId, member, "member");
      await repos.channels.setRole(channelId, member, null, "admin");
      expect(await repos.channels.adminCount(channelId)).toBe(2);
      await repos.channels.removeMember(channelId, member);
      expect(await repos.channels.access(ch, member)).toBeNull();
      expect(await repos.channels.adminCount(channelId)).toBe(1);
      expect((await repos.channels.findByInviteCode(ch.invite_code))?.id).toBe(channelId);
    });

    it("events list with role and member count; organiser counting", async () => {
      const [org, p] = await Promise.all([user(), user()]);
      const eventId = await event(org);
      await repos.events.addMember(eventId, p, "participant");
      const listed = (await repos.events.listForUser(p)).find((e) => e.id === eventId);
      expect(listed).toMatchObject({ my_role: "participant", member_count: 2 });
      expect(await repos.events.memberCount(eventId)).toBe(2);
      expect(await repos.events.organiserCount(eventId)).toBe(1);
      await repos.events.setRole(eventId, p, "organiser");
      expect(await repos.events.organiserCount(eventId)).toBe(2);
    });
  });

  describe("guarded membership changes", () => {
    it("an event keeps an organiser, also when two step down at once", async () => {
      const [a, b, c] = await Promise.all([user(), user(), user()]);
      const eventId = await event(a);
      expect(await repos.events.setRole(eventId, a, "participant")).toBe("last_organiser");
      expect(await repos.events.removeMember(eventId, a)).toBe("last_organiser");
      expect(await repos.events.setRole(eventId, c, "moderator")).toBe("not_member");
      expect(await repos.events.removeMember(eventId, c)).toBe("not_member");
      await repos.events.addMember(eventId, b, "organiser");
      const outcomes = await Promise.all([
        repos.events.setRole(eventId, a, "participant"),
        repos.events.removeMember(eventId, b),
      ]);
      expect(outcomes.sort()).toEqual(["last_organiser", "ok"]);
      expect(await repos.events.organiserCount(eventId)).toBe(1);
    });

    it("a standalone channel keeps an admin, also when two step down at once", async () => {
      const [a, b, c] = await Promise.all([user(), user(), user()]);
      const channelId = await standaloneChannel(a);
      expect(await repos.channels.setRole(channelId, a, null, "member")).toBe("last_admin");
      expect(await repos.channels.removeMember(channelId, a)).toBe("last_admin");
      expect(await repos.channels.removeMember(channelId, c)).toBe("not_member");
      await repos.channels.addMember(channelId, b, "admin");
      const outcomes = await Promise.all([
        repos.channels.setRole(channelId, a, null, "member"),
        repos.channels.removeMember(channelId, b),
      ]);
      expect(outcomes.sort()).toEqual(["last_admin", "ok"]);
      expect(await repos.channels.adminCount(channelId)).toBe(1);
    });

    it("concurrent adds of one member: one row, no error", async () => {
      const [a, b] = await Promise.all([user(), user()]);
      const eventId = await event(a);
      const channelId = await standaloneChannel(a);
      const added = await Promise.all([0, 1, 2].map(() => repos.events.addMember(eventId, b, "participant")));
      expect(added.filter(Boolean)).toHaveLength(1);
      const joined = await Promise.all([0, 1, 2].map(() => repos.channels.addMember(channelId, b, "member")));
      expect(joined.filter(Boolean)).toHaveLength(1);
      expect(await repos.events.memberCount(eventId)).toBe(2);
    });
  });

  describe("deletes", () => {
    it("deleting an event removes its channels, members, overrides, messages and recordings", async () => {
      const [org, p, direct] = await Promise.all([user(), user(), user()]);
      const eventId = await event(org);
      const other = await event(org);
      await repos.events.addMember(eventId, p, "participant");
      const c1 = await eventChannel(eventId, org);
      const c2 = await eventChannel(eventId, org);
      const keep = await eventChannel(other, org);
      await repos.channels.addMember(c1, direct, "member");
      await repos.channels.setRole(c2, p, "participant", "moderator");
      await repos.channels.setRestricted(c2, p, true, org);
      for (const c of [c1, c2, keep]) {
        await repos.messages.append(c, { senderId: org, kind: "text", body: "x" });
        await repos.messages.append(c, {
          senderId: org,
          kind: "audio",
          recording: {
            id: randomUUID(),
            stream_id: 1,
            duration_ms: 20,
            size_bytes: 3,
            data: Buffer.from([1, 2, 3]),
          },
        });
      }

      await repos.events.delete(eventId);

      const db = database.db;
      expect(await repos.events.findById(eventId)).toBeUndefined();
      expect(await repos.channels.findById(c1)).toBeUndefined();
      expect(await repos.channels.findById(c2)).toBeUndefined();
      const count = async (
        table: "event_members" | "channel_members" | "channel_restrictions" | "messages" | "recordings",
        col: string,
        ids: string[],
      ) =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as("n"))
              // biome-ignore lint/suspicious/noExplicitAny: the column differs per table
              .where(col as any, "in", ids)
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await count("event_members", "event_id", [eventId])).toBe(0);
      expect(await count("channel_members", "channel_id", [c1, c2])).toBe(0);
      expect(await count("channel_restrictions", "channel_id", [c1, c2])).toBe(0);
      expect(await count("messages", "channel_id", [c1, c2])).toBe(0);
      expect(await count("recordings", "channel_id", [c1, c2])).toBe(0);
      // The other event is untouched.
      expect(await repos.channels.findById(keep)).toBeDefined();
      expect(await count("messages", "channel_id", [keep])).toBe(2);
      expect(await count("recordings", "channel_id", [keep])).toBe(1);
      expect(await repos.events.roleOf(other, org)).toBe("organiser");
    });

    it("deleting a channel removes its members, messages and recordings", async () => {
      const [admin, m] = await Promise.all([user(), user()]);
      const channelId = await standaloneChannel(admin);
      await repos.channels.addMember(channelId, m, "member");
      await repos.messages.append(channelId, { senderId: m, kind: "text", body: "x", clientId: "k" });
      const rec = randomUUID();
      await repos.messages.append(channelId, {
        senderId: m,
        kind: "audio",
        recording: { id: rec, stream_id: 7, duration_ms: 40, size_bytes: 1, data: Buffer.from([9]) },
      });
      expect((await repos.recordings.data(rec))?.equals(Buffer.from([9]))).toBe(true);
      await repos.channels.delete(channelId);
      expect(await repos.channels.findById(channelId)).toBeUndefined();
      expect(await repos.recordings.meta(rec)).toBeUndefined();
      expect((await repos.messages.page(channelId, { limit: 10 })).rows).toEqual([]);
      expect(await repos.channels.listForUser(m)).toEqual([]);
    });
  });
});
