import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
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

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Streams `packets` as frames of `streamId` at the real 20 ms pace. */
async function stream(c: WsClient, streamId: number, packets: Uint8Array[], lastFlag = false) {
  const t0 = performance.now();
  for (let i = 0; i < packets.length; i++) {
    c.sendBinary(encodeAudioFrame(streamId, i, packets[i]!, lastFlag && i === packets.length - 1));
    const wait = t0 + (i + 1) * 20 - performance.now();
    if (wait > 0) await sleep(wait);
  }
}

/**
 * The emergency hot mic on two instances over MariaDB and Redis: a listen-only raiser
 * pre-empts a moderator's priority transmission, staff subscribed to nothing hear it (once),
 * and the recording is attached to the alert as a valid Ogg Opus file.
 */
describe("emergency hot mic (production)", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let org: TestUser;
  let mod: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let eventId: string;
  let channelId: string;
  let dir: string;
  const open: WsClient[] = [];
  const connect = async (app: TestApp, u: TestUser) => {
    const c = await WsClient.connect(app.wsUrl, u.token);
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "won-hotmic-"));
    backing = await createBacking("production");
    [one, two] = await Promise.all([startApp(backing), startApp(backing)]);
    [org, mod, alice, bob] = await Promise.all([1, 2, 3, 4].map(() => one.api.user()));
    const ev = await one.api.post("/events", { name: "E" }, org.token);
    eventId = ev.body.id;
    for (const u of [mod, alice, bob]) await one.api.post("/join", { code: ev.body.inviteCode }, u.token);
    await one.api.patch(`/events/${eventId}/members/${mod.id}`, { role: "moderator" }, org.token);
    channelId = (await one.api.post("/channels", { name: "Ops", eventId }, org.token)).body.id;
    // Alice may only listen in the channel: the hot mic is hers all the same.
    const muted = await one.api.patch(
      `/channels/${channelId}/members/${alice.id}`,
      { canSpeak: false },
      org.token,
    );
    expect(muted.status).toBe(200);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([one?.close(), two?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a hot mic to anyone but the raiser of an open alert", async () => {
    const bobWs = await connect(two, bob);
    await bobWs.subscribe(channelId);
    const alert = (await one.api.post(`/events/${eventId}/alerts`, {}, alice.token)).body;
    bobWs.send({ type: "ptt.start", channelId, emergency: true, alertId: alert.id });
    expect((await bobWs.next("ptt.denied")).reason).toBe("forbidden");
    await one.api.post(`/alerts/${alert.id}/resolve`, { outcome: "false_alarm" }, alice.token);
  });

  it("pre-empts a priority transmission, reaches unsubscribed staff, and records onto the alert", async () => {
    const orgWs = await connect(one, org); // subscribed to nothing
    const modWs = await connect(one, mod);
    await modWs.subscribe(channelId);
    const aliceWs = await connect(two, alice);
    await aliceWs.subscribe(channelId);

    modWs.send({ type: "ptt.start", channelId, priority: true });
    const modGrant = await modWs.next("ptt.granted");
    await stream(modWs, modGrant.streamId, silencePackets(5));

    const alert = (await two.api.post(`/events/${eventId}/alerts`, { channelId }, alice.token)).body;
    aliceWs.send({ type: "ptt.start", channelId, emergency: true, alertId: alert.id });
    const grant = await aliceWs.next("ptt.granted");
    expect(grant.maxDurationMs).toBeLessThanOrEqual(15_000);
    const stopped = await modWs.next("speaker.stopped", (m) => m.streamId === modGrant.streamId);
    expect(stopped.reason).toBe("preempted");

    const isHot = (m: { [k: string]: unknown }) => m.streamId === grant.streamId;
    const started = await orgWs.next("speaker.started", isHot);
    expect(started).toMatchObject({ channelId, emergency: true, alertId: alert.id, user: { id: alice.id } });
    expect((await modWs.next("speaker.started", isHot)).emergency).toBe(true);

    const packets = silencePackets(40);
    await stream(aliceWs, grant.streamId, packets, true);
    await eventually(() => orgWs.frames.length >= packets.length || undefined, 5_000, "frames at org");
    // The moderator hears the hot mic (never their own earlier frames).
    await eventually(() => modWs.frames.length >= packets.length || undefined, 5_000, "frames at mod");
    await orgWs.next("speaker.stopped", isHot);
    await modWs.next("speaker.stopped", isHot);
    // Subscribed staff hear it once, on the channel.
    expect(modWs.of("speaker.started").filter(isHot)).toHaveLength(1);
    expect(modWs.frames.length).toBe(packets.length);
    expect(orgWs.frames.length).toBe(packets.length);

    const updated = await orgWs.next("alert.updated", (m) => m.alert.recordings.length === 1);
    const rec = updated.alert.recordings[0];
    const trail = await one.app.ctx.repos.alerts.trail(alert.id);
    expect(trail.map((t) => t.action)).toContain("recording");
    const res = await fetch(`${one.url}${rec.url}`, { headers: { authorization: `Bearer ${org.token}` } });
    expect(res.status).toBe(200);
    const path = join(dir, "hot-mic.opus");
    writeFileSync(path, Buffer.from(await res.arrayBuffer()));
    const { stdout, stderr } = await exec("opusinfo", [path]);
    expect(stdout + stderr).toMatch(/Opus stream 1/);
    expect(stdout + stderr).not.toMatch(/warning|error|corrupt|hole|invalid|negative/i);
  });
});
