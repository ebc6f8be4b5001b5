/**
 * Identifiers compare byte for byte on both databases (migration 003-binary-keys): idempotency
 * keys that differ only in case or trailing spaces are different messages, an id is matched only
 * in the lower-case form the server issues, and on MySQL the identifier columns have a binary NO
 * PAD collation while usernames, emails and invite codes stay case-insensitive on purpose.
 */
import { randomUUID } from "node:crypto";
import { Migrator, sql } from "kysely";
import { createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import {
  type Backing,
  createBacking,
  MODES,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";
import { migrateToLatest, openDatabase } from "./database.js";
import { migrations } from "./migrations/index.js";

describe.each(MODES)("binary identifiers (%s)", (mode) => {
  let backing: Backing;
  let t: TestApp;
  let A: TestUser;
  let B: TestUser;
  let channelId: string;

  beforeAll(async () => {
    backing = await createBacking(mode);
    t = await startApp(backing);
    [A, B] = await Promise.all([t.api.user(), t.api.user()]);
    const ch = (await t.api.post("/channels", { name: "Keys" }, A.token)).body;
    channelId = ch.id;
    expect((await t.api.post("/join", { code: ch.inviteCode }, B.token)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("clientIds `dup`, `DUP` and `dup ` are three messages, and each repeats idempotently", async () => {
    const url = `/channels/${channelId}/messages`;
    const keys = ["dup", "DUP", "dup "];
    const first = [];
    for (const [i, clientId] of keys.entries()) {
      const res = await t.api.post(url, { body: `message ${i}`, clientId }, A.token);
      expect(res.status, JSON.stringify(clientId)).toBe(201);
      first.push(res.body);
    }
    expect(new Set(first.map((m) => m.id)).size).toBe(3);
    expect(first.map((m) => m.body)).toEqual(["message 0", "message 1", "message 2"]);
    for (const [i, clientId] of keys.entries()) {
      const again = await t.api.post(url, { body: "retry", clientId }, A.token);
      expect(again.status, JSON.stringify(clientId)).toBe(200);
      expect(again.body).toEqual(first[i]);
    }
    const history = (await t.api.get(url, A.token)).body.messages;
    expect(history.map((m: { body: string }) => m.body)).toEqual(["message 0", "message 1", "message 2"]);
  });

  it("an id in another case is not that resource: REST and socket refuse it", async () => {
    const upper = channelId.toUpperCase();
    const rest = await t.api.get(`/channels/${upper}`, A.token);
    expect(rest.status).toBe(400);
    expect(rest.body.code).toBe("invalid_params");
    expect(
      (await t.api.post(`/channels/${upper}/messages`, { body: "x", clientId: "u" }, A.token)).status,
    ).toBe(400);

    // A holds the floor of the channel; B asks for it under the upper-case id. Were that id
    // matched case-insensitively, B would be granted a floor of its own: two speakers at once.
    const a = await WsClient.connect(t.wsUrl, A.token);
    const b = await WsClient.connect(t.wsUrl, B.token);
    try {
      await a.subscribe(channelId);
      a.send({ type: "ptt.start", channelId });
      await a.next("ptt.granted");
      b.send({ type: "subscribe", channelId: upper });
      expect((await b.next("error")).code).toBe("invalid_message");
      b.send({ type: "ptt.start", channelId: upper });
      expect((await b.next("error")).code).toBe("invalid_message");
      await b.subscribe(channelId);
      expect(b.of("subscribed").map((m) => m.channelId)).toEqual([channelId]);
      expect(b.of("ptt.granted")).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  });

  // Collations exist on MySQL only; SQLite compares bytes.
  if (mode === "production")
    it("MySQL: identifier columns are binary NO PAD; usernames, emails and invite codes case-insensitive", async () => {
      const conn = await createConnection(backing.env.DATABASE_URL!);
      try {
        const [rows] = await conn.query(
          `select table_name as t, column_name as c, collation_name as collation
             from information_schema.columns
            where table_schema = database() and collation_name is not null`,
        );
        const collation = Object.fromEntries(
          (rows as { t: string; c: string; collation: string }[]).map((r) => [`${r.t}.${r.c}`, r.collation]),
        );
        for (const column of ["messages.client_id", "refresh_tokens.token_hash"])
          expect(collation[column], column).toMatch(/^utf8mb4_(nopad_bin|0900_bin)$/);
        for (const column of ["users.username", "users.email", "events.invite_code", "channels.invite_code"])
          expect(collation[column], column).toMatch(/_ci$/);
      } finally {
        await conn.end();
      }
    });

  it("upgrading a database that has messages and sessions keeps them, then tells the keys apart", async () => {
    const upgrade = await createBacking(mode);
    const database = openDatabase(loadConfig(upgrade.env).database);
    try {
      const migrator = new Migrator({
        db: database.db,
        provider: { getMigrations: async () => migrations(database.dialect) },
      });
      const before = await migrator.migrateTo("002-messages-recordings");
      expect(before.error).toBeUndefined();
      const [user, session, channel] = [randomUUID(), randomUUID(), randomUUID()];
      const db = database.db;
      await sql`insert into users (id, username, email, password_hash, display_name, created_at)
        values (${user}, 'keys', 'keys@example.test', 'x', 'Keys', 1)`.execute(db);
      await sql`insert into sessions (id, user_id, created_at, expires_at) values (${session}, ${user}, 1, 9e12)`.execute(
        db,
      );
      await sql`insert into refresh_tokens (token_hash, session_id, created_at, expires_at)
        values (${"ab".repeat(32)}, ${session}, 1, 9e12)`.execute(db);
      await sql`insert into channels (id, name, description, invite_code, last_seq, created_by, created_at)
        values (${channel}, 'C', '', 'ABCDEFGH', 1, ${user}, 1)`.execute(db);
      const message = (clientId: string, seq: number) =>
        sql`insert into messages (id, channel_id, seq, sender_id, kind, body, client_id, created_at)
          values (${randomUUID()}, ${channel}, ${seq}, ${user}, 'text', 'x', ${clientId}, 1)`.execute(db);
      await message("dup", 1);

      await migrateToLatest(database);

      await message("DUP", 2);
      await message("dup ", 3);
      await expect(message("dup", 4)).rejects.toThrow();
      const keys = await sql<{ k: string }>`select client_id as k from messages where channel_id = ${channel}
        order by seq`.execute(db);
      expect(keys.rows.map((r) => r.k)).toEqual(["dup", "DUP", "dup "]);
      const token = await sql<{ n: number }>`select count(*) as n from refresh_tokens
        where token_hash = ${"ab".repeat(32)}`.execute(db);
      expect(Number(token.rows[0]!.n)).toBe(1);
    } finally {
      await database.close();
    }
  });
});
