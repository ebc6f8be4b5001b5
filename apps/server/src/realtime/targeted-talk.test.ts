import { encodeAudioFrame } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silencePackets } from "../audio/test-speech.js";
import {
  type Backing,
  createBacking,
  eventually,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Streams `packets` as frames of `streamId` at the real 20 ms pace; returns the frames sent. */
async function stream(c: WsClient, streamId: number, packets: Uint8Array[]): Promise<Buffer[]> {
  const sent: Buffer[] = [];
  const t0 = performance.now();
  for (let i = 0; i < packets.length; i++) {
    const frame = Buffer.from(encodeAudioFrame(streamId, i, packets[i]!, i === packets.length - 1));
    sent.push(frame);
    c.sendBinary(frame);
    const wait = t0 + (i + 1) * 20 - performance.now();
    if (wait > 0) await sleep(wait);
  }
  return sent;
}

/**
 * Targeted talk on two instances over MariaDB and Redis, with real sockets: direct channels,
 * all-calls and patches.
 */
describe("targeted talk (production, two instances)", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let org: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let eventId: string;
  let chA: string;
  let chB: string;
  let chC: string;
  const open: WsClient[] = [];
  const connect = async (app: TestApp, u: TestUser, ...channels: string[]) => {
    const c = await WsClient.connect(app.wsUrl, u.token);
    open.push(c);
    for (const id of channels) await c.subscribe(id);
    return c;
  };
  const history = async (channelId: string, u: TestUser) =>
    (await one.api.get(`/channels/${channelId}/messages`, u.token)).body.messages as {
      kind: string;
      recording?: { id: string };
    }[];

  beforeAll(async () => {
    backing = await createBacking("production");
    [one, two] = await Promise.all([startApp(backing), startApp(backing)]);
    [org, alice, bob, carol, dave] = await Promise.all([1, 2, 3, 4, 5].map(() => one.api.user()));
    const ev = await one.api.post("/events", { name: "E" }, org.token);
    eventId = ev.body.id;
    for (const u of [alice, bob, dave]) await one.api.post("/join", { code: ev.body.inviteCode }, u.token);
    const ch = async (name: string) =>
      (await one.api.post("/channels", { name, eventId }, org.token)).body.id;
    chA = await ch("A");
    chB = await ch("B");
    chC = await ch("C");
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([one?.close(), two?.close()]);
  });

  describe("direct channels", () => {
    it("the same pair gets the same channel, race or not; sharing nothing is forbidden", async () => {
      const first = await one.api.post("/direct", { userId: bob.id }, alice.token);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ kind: "direct", peer: { id: bob.id }, eventId: null });
      expect(first.body.inviteCode).toBeUndefined();
      const again = await two.api.post("/direct", { userId: bob.id }, alice.token);
      const back = await one.api.post("/direct", { userId: alice.id }, bob.token);
      expect([again.status, back.status]).toEqual([200, 200]);
      expect([again.body.id, back.body.id]).toEqual([first.body.id, first.body.id]);
      expect(back.body.peer.id).toBe(alice.id);

      // Ten concurrent opens of a fresh pair from both instances: one channel, one 201.
      const race = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? one : two).api.post(
            "/direct",
            { userId: i % 3 ? dave.id : alice.id },
            i % 3 ? alice.token : dave.token,
          ),
        ),
      );
      expect(new Set(race.map((r) => r.body.id)).size).toBe(1);
      expect(race.filter((r) => r.status === 201)).toHaveLength(1);
      expect(race.filter((r) => r.status === 200)).toHaveLength(9);

      for (const [who, target] of [
        [carol, alice],
        [alice, carol],
        [alice, alice],
      ] as const) {
        const res = await one.api.post("/direct", { userId: target.id }, who.token);
        expect(res.status).toBe(403);
        expect(res.body.code).toBe("forbidden");
      }
      const unknown = await one.api.post(
        "/direct",
        { userId: "00000000-0000-4000-8000-000000000000" },
        alice.token,
      );
      expect(unknown.status).toBe(403);

      const listed = (await one.api.get("/channels", bob.token)).body as {
        id: string;
        kind: string;
        peer?: { id: string };
      }[];
      expect(listed.find((c) => c.id === first.body.id)).toMatchObject({
        kind: "direct",
        peer: { id: alice.id },
      });
      expect(listed.filter((c) => c.kind === "group").length).toBeGreaterThanOrEqual(3);
    });

    it("has no invite code and no other members", async () => {
      const id = (await one.api.post("/direct", { userId: bob.id }, alice.token)).body.id;
      expect((await one.api.post(`/channels/${id}/invite-code`, undefined, alice.token)).status).toBe(403);
      expect((await one.api.del(`/channels/${id}/members/${bob.id}`, alice.token)).status).toBe(409);
      expect((await one.api.del(`/channels/${id}/members/${alice.id}`, alice.token)).status).toBe(409);
      expect(
        (await one.api.patch(`/channels/${id}/members/${bob.id}`, { canSpeak: false }, alice.token)).status,
      ).toBe(403);
      expect((await one.api.del(`/channels/${id}`, alice.token)).status).toBe(403);
      expect((await one.api.get(`/channels/${id}`, carol.token)).status).toBe(403);
      const row = await one.app.ctx.repos.channels.findById(id);
      expect((await one.api.post("/join", { code: row!.invite_code }, carol.token)).status).toBe(404);
      const members = (await one.api.get(`/channels/${id}/members`, alice.token)).body as {
        user: { id: string };
      }[];
      expect(members.map((m) => m.user.id).sort()).toEqual([alice.id, bob.id].sort());
    });

    it("the peer's unsubscribed socket on the other instance hears a transmission byte for byte", async () => {
      const id = (await one.api.post("/direct", { userId: bob.id }, alice.token)).body.id;
      const aliceWs = await connect(one, alice, id);
      const bobWs = await connect(two, bob); // subscribed to nothing
      aliceWs.send({ type: "ptt.start", channelId: id });
      const grant = await aliceWs.next("ptt.granted");
      const mine = (m: { [k: string]: unknown }) => m.streamId === grant.streamId;
      expect(await bobWs.next("speaker.started", mine)).toMatchObject({
        channelId: id,
        user: { id: alice.id },
      });
      const sent = await stream(aliceWs, grant.streamId, silencePackets(25));
      await eventually(() => bobWs.frames.length >= sent.length || undefined, 5_000, "frames at bob");
      expect(Buffer.concat(bobWs.frames).equals(Buffer.concat(sent))).toBe(true);
      const stopped = await bobWs.next("speaker.stopped", mine);
      const created = await bobWs.next("message.created", (m) => m.channelId === id);
      expect(created.message.recording.id).toBe(stopped.message.recording.id);
      // Alice's socket, subscribed, hears her own transmission's end once and no audio.
      await aliceWs.next("speaker.stopped", mine);
      expect(aliceWs.of("speaker.started").filter(mine)).toHaveLength(1);
      expect(aliceWs.frames).toHaveLength(0);
    });
  });

  describe("all-call", () => {
    it("an organiser's all-call takes every floor, is heard once, and lands in every history", async () => {
      const listener = await connect(two, alice, chA, chB); // two of the event's channels
      const other = await connect(one, bob, chC);
      const orgWs = await connect(one, org, chA);

      // A participant's all-call is refused.
      other.send({ type: "ptt.start", channelId: chC, scope: "event" });
      expect((await other.next("ptt.denied")).reason).toBe("forbidden");

      // Bob is talking on C; the all-call pre-empts him.
      other.send({ type: "ptt.start", channelId: chC });
      const bobGrant = await other.next("ptt.granted");
      orgWs.send({ type: "ptt.start", channelId: chA, scope: "event" });
      const grant = await orgWs.next("ptt.granted");
      const mine = (m: { [k: string]: unknown }) => m.streamId === grant.streamId;
      expect((await other.next("speaker.stopped", (m) => m.streamId === bobGrant.streamId)).reason).toBe(
        "preempted",
      );
      const started = await listener.next("speaker.started", mine);
      expect(started).toMatchObject({ scope: "event", eventId, channelId: chA, user: { id: org.id } });
      expect(new Set(started.channelIds)).toEqual(new Set([chA, chB, chC]));
      await other.next("speaker.started", mine);

      // Everyone else is busy meanwhile, on any channel of the event.
      other.send({ type: "ptt.start", channelId: chC });
      expect((await other.next("ptt.denied")).reason).toBe("busy");

      const sent = await stream(orgWs, grant.streamId, silencePackets(30));
      await eventually(() => listener.frames.length >= sent.length || undefined, 5_000, "frames");
      await listener.next("speaker.stopped", mine);
      await sleep(200);
      // Once per socket, though it follows two of the channels.
      expect(listener.of("speaker.started").filter(mine)).toHaveLength(1);
      expect(listener.of("speaker.stopped").filter(mine)).toHaveLength(1);
      expect(Buffer.concat(listener.frames).equals(Buffer.concat(sent))).toBe(true);
      expect(other.frames.length).toBe(sent.length);

      const recordings = await Promise.all(
        [chA, chB, chC].map(
          async (id) => (await history(id, org)).filter((m) => m.kind === "audio").at(-1)?.recording?.id,
        ),
      );
      expect(recordings[0]).toBeDefined();
      expect(new Set(recordings)).toEqual(new Set([recordings[0]]));
      // A member of B only (by its channel code) may play it: it is in B's history too.
      const code = (await one.api.get(`/channels/${chB}`, org.token)).body.inviteCode;
      expect((await one.api.post("/join", { code }, carol.token)).status).toBe(200);
      expect((await one.api.get(`/recordings/${recordings[0]}`, carol.token)).status).toBe(200);
      expect((await one.api.get(`/channels/${chA}`, carol.token)).status).toBe(403);
      // Free again afterwards.
      other.send({ type: "ptt.start", channelId: chC });
      const after = await other.next("ptt.granted", (m) => m.streamId !== bobGrant.streamId);
      other.send({ type: "ptt.stop", channelId: chC });
      await other.next("ptt.stopped", (m) => m.streamId === after.streamId);
    });
  });

  describe("all-call and the hot mic", () => {
    it("a hot mic on one channel ends an all-call; its other floors are free again", async () => {
      const orgWs = await connect(one, org, chA);
      const raiser = await connect(two, alice, chB);
      const other = await connect(two, bob, chC);
      orgWs.send({ type: "ptt.start", channelId: chA, scope: "event" });
      const call = await orgWs.next("ptt.granted");
      await other.next("speaker.started", (m) => m.streamId === call.streamId);
      const alert = (await two.api.post(`/events/${eventId}/alerts`, { channelId: chB }, alice.token)).body;
      raiser.send({ type: "ptt.start", channelId: chB, emergency: true, alertId: alert.id });
      const hot = await raiser.next("ptt.granted");
      const ended = await orgWs.next("speaker.stopped", (m) => m.streamId === call.streamId);
      expect(ended.reason).toBe("preempted");
      // The all-call gave back the floors the hot mic did not take; B stays the hot mic's.
      other.send({ type: "ptt.start", channelId: chC });
      const free = await other.next("ptt.granted");
      expect(free.channelId).toBe(chC);
      const holder = await one.app.ctx.engines.floor.current(chB);
      expect(holder?.streamId).toBe(hot.streamId);
      for (const [w, ch] of [
        [other, chC],
        [raiser, chB],
      ] as const) {
        w.send({ type: "ptt.stop", channelId: ch });
        await w.next("ptt.stopped");
      }
      await one.api.post(`/alerts/${alert.id}/resolve`, { outcome: "false_alarm" }, alice.token);
    });
  });

  describe("patches", () => {
    it("joins channels while it exists: heard once on both, busy on both, recorded in both", async () => {
      const listener = await connect(two, dave, chA, chB);
      const onlyB = await connect(one, bob, chB);
      const talker = await connect(one, alice, chA);

      expect(
        (await one.api.post(`/events/${eventId}/patches`, { channelIds: [chA, chB] }, alice.token)).status,
      ).toBe(403);
      const created = await one.api.post(`/events/${eventId}/patches`, { channelIds: [chA, chB] }, org.token);
      expect(created.status).toBe(201);
      const patch = created.body;
      expect(patch).toMatchObject({ eventId, channelIds: [chA, chB], createdBy: org.id });
      expect((await listener.next("patch.created")).patch.id).toBe(patch.id);
      expect((await two.api.get(`/events/${eventId}/patches`, alice.token)).body).toEqual([patch]);
      const again = await one.api.post(`/events/${eventId}/patches`, { channelIds: [chC, chA] }, org.token);
      expect(again.status).toBe(409);
      const other = (await one.api.post("/events", { name: "F" }, org.token)).body.id;
      const foreign = (await one.api.post("/channels", { name: "X", eventId: other }, org.token)).body.id;
      expect(
        (await one.api.post(`/events/${eventId}/patches`, { channelIds: [chC, foreign] }, org.token)).status,
      ).toBe(400);

      talker.send({ type: "ptt.start", channelId: chA });
      const grant = await talker.next("ptt.granted");
      const mine = (m: { [k: string]: unknown }) => m.streamId === grant.streamId;
      expect(await onlyB.next("speaker.started", mine)).toMatchObject({ patchId: patch.id, channelId: chA });
      onlyB.send({ type: "ptt.start", channelId: chB });
      expect((await onlyB.next("ptt.denied")).reason).toBe("busy");
      const sent = await stream(talker, grant.streamId, silencePackets(25));
      await eventually(() => onlyB.frames.length >= sent.length || undefined, 5_000, "frames on B");
      await listener.next("speaker.stopped", mine);
      await sleep(200);
      expect(listener.of("speaker.started").filter(mine)).toHaveLength(1);
      expect(Buffer.concat(listener.frames).equals(Buffer.concat(sent))).toBe(true);
      expect(Buffer.concat(onlyB.frames).equals(Buffer.concat(sent))).toBe(true);
      const [a, b] = await Promise.all([chA, chB].map(async (id) => (await history(id, org)).at(-1)));
      expect(a?.recording?.id).toBeDefined();
      expect(b?.recording?.id).toBe(a?.recording?.id);

      expect((await one.api.del(`/patches/${patch.id}`, alice.token)).status).toBe(403);
      expect((await two.api.del(`/patches/${patch.id}`, org.token)).status).toBe(204);
      expect((await listener.next("patch.deleted")).patchId).toBe(patch.id);
      expect((await one.api.del(`/patches/${patch.id}`, org.token)).status).toBe(404);
      // Independent again: both channels' floors at once.
      talker.send({ type: "ptt.start", channelId: chA });
      onlyB.send({ type: "ptt.start", channelId: chB });
      const [ga, gb] = await Promise.all([
        talker.next("ptt.granted", (m) => !mine(m)),
        onlyB.next("ptt.granted"),
      ]);
      expect(ga.channelId).toBe(chA);
      expect(gb.channelId).toBe(chB);
      talker.send({ type: "ptt.stop", channelId: chA });
      onlyB.send({ type: "ptt.stop", channelId: chB });
      await Promise.all([talker.next("ptt.stopped"), onlyB.next("ptt.stopped")]);
    });

    it("deleting a patched channel takes it out of its patch; below two channels the patch goes", async () => {
      const ch = async (name: string) =>
        (await one.api.post("/channels", { name, eventId }, org.token)).body.id;
      const [d, e, f] = [await ch("D"), await ch("E"), await ch("F")];
      const watcher = await connect(two, alice, d, f);
      const patch = (await one.api.post(`/events/${eventId}/patches`, { channelIds: [d, e, f] }, org.token))
        .body;
      await watcher.next("patch.created", (m) => m.patch.id === patch.id);
      expect((await one.api.del(`/channels/${e}`, org.token)).status).toBe(204);
      expect((await watcher.next("patch.updated")).patch).toMatchObject({ id: patch.id, channelIds: [d, f] });
      expect((await one.api.get(`/events/${eventId}/patches`, org.token)).body).toEqual([
        { ...patch, channelIds: [d, f] },
      ]);
      expect((await two.api.del(`/channels/${f}`, org.token)).status).toBe(204);
      expect(await watcher.next("patch.deleted")).toMatchObject({ patchId: patch.id, eventId });
      expect((await one.api.get(`/events/${eventId}/patches`, org.token)).body).toEqual([]);
      await sleep(100);
      // Once per socket, though it follows two of its channels.
      expect(watcher.of("patch.created").filter((m) => m.patch.id === patch.id)).toHaveLength(1);
      expect(watcher.of("patch.updated")).toHaveLength(1);
    });
  });
});
