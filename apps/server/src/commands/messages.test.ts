/**
 * Message commands on a real core, SQLite and MySQL: `postMessage` is idempotent on clientId and
 * publishes exactly one `message.created`, after the commit; `appendMessage` stores recorded
 * transmissions the same way and counts their bytes towards the quotas at once.
 */
import { randomUUID } from "node:crypto";
import type { Message } from "@won/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestCore, refusal, seedUser, type TestCore } from "../test/core.js";
import { MODES } from "../test/harness.js";
import { createChannel, deleteChannel } from "./channels.js";
import { joinByCode } from "./joinByCode.js";
import { appendMessage, postMessage } from "./messages.js";
import { recordingQuota } from "./storage-quota.js";

describe.each(MODES)("message commands (%s)", (mode) => {
  let t: TestCore;
  beforeAll(async () => {
    // 1 KB of recordings per user: the second transmission of a test is over quota.
    t = await createTestCore(mode, { env: { QUOTA_RECORDING_BYTES_PER_USER: "1024" } });
  });
  afterAll(async () => t?.close());
  beforeEach(() => {
    t.live.clear();
    t.live.probe = undefined;
  });

  async function channelWithMember() {
    const [admin, member] = [await seedUser(t.core), await seedUser(t.core)];
    const channel = await createChannel(t.core, admin.id, { name: "Radio" });
    await joinByCode(t.core, member.id, channel.inviteCode!);
    return { admin, member, channelId: channel.id };
  }

  it("posts once per clientId and publishes exactly one message.created, after the commit", async () => {
    const { member, channelId } = await channelWithMember();
    // What another connection sees when the event goes out: the message must be committed.
    t.live.probe = async (p) =>
      p.name === "messageCreated"
        ? t.core.repos.messages.findByClientId(channelId, member.id, "k1")
        : undefined;

    const first = await postMessage(t.core, member.id, channelId, { body: "hello", clientId: "k1" });
    expect(first.created).toBe(true);
    expect(first.message).toMatchObject({ channelId, seq: 1, kind: "text", body: "hello" });
    expect(first.message.sender.id).toBe(member.id);
    const [published] = t.live.of("messageCreated");
    expect(t.live.published).toHaveLength(1);
    expect(published!.args[0]).toEqual(first.message);
    expect(published!.seen).toMatchObject({ id: first.message.id });

    // A retry after a lost response: the same message, nothing new stored or published.
    const retry = await postMessage(t.core, member.id, channelId, { body: "hello again", clientId: "k1" });
    expect(retry).toEqual({ message: first.message, created: false });
    expect(t.live.published).toHaveLength(1);
  });

  it("publishes one message.created when retries race each other", async () => {
    const { member, channelId } = await channelWithMember();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        postMessage(t.core, member.id, channelId, { body: "once", clientId: "race" }),
      ),
    );
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(t.live.of("messageCreated")).toHaveLength(1);
    expect(results.map((r) => r.message.seq)).toEqual([1, 1, 1, 1, 1]);
  });

  it("refuses outsiders and publishes nothing", async () => {
    const { channelId } = await channelWithMember();
    const outsider = await seedUser(t.core);
    expect(await refusal(postMessage(t.core, outsider.id, channelId, { body: "hi", clientId: "x" }))).toBe(
      "not_a_member",
    );
    expect(t.live.published).toEqual([]);
    expect(await t.core.repos.messages.findByClientId(channelId, outsider.id, "x")).toBeUndefined();
  });

  it("stores a recorded transmission as an audio message, publishes it once and counts its bytes at once", async () => {
    const { member, channelId } = await channelWithMember();
    expect(await recordingQuota(t.core, { userId: member.id, channelId })).toEqual({ allowed: true });
    const data = Buffer.alloc(2_000, 1);
    const { message, created } = await appendMessage(t.core, {
      channelId,
      senderId: member.id,
      kind: "audio",
      recording: { streamId: 42, durationMs: 980, data },
    });
    expect(created).toBe(true);
    expect(message).toMatchObject({ channelId, seq: 1, kind: "audio", recording: { durationMs: 980 } });
    expect(t.live.of("messageCreated").map((p) => (p.args[0] as Message).id)).toEqual([message.id]);
    expect(await t.core.repos.recordings.data(message.recording!.id)).toEqual(data);
    // Within the usage cache's lifetime, so only the bump by appendMessage can explain the refusal.
    expect(await recordingQuota(t.core, { userId: member.id, channelId })).toEqual({
      allowed: false,
      over: "user",
    });
  });

  it("answers not_found for a channel deleted before the append, and publishes no message", async () => {
    const { admin, member, channelId } = await channelWithMember();
    await deleteChannel(t.core, admin.id, channelId);
    t.live.clear();
    expect(
      await refusal(
        appendMessage(t.core, {
          channelId,
          senderId: member.id,
          kind: "text",
          body: "late",
          clientId: randomUUID(),
        }),
      ),
    ).toBe("not_found");
    expect(t.live.published).toEqual([]);
  });
});
