import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Backing,
  createBacking,
  eventually,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";

/**
 * `ChannelService.deliverToUser` on two instances sharing MariaDB and Redis: a message to a user
 * reaches every socket of that user on every instance, without any subscribe, and nobody else.
 */
describe("per-user delivery across instances (production)", () => {
  let backing: Backing;
  let one: TestApp;
  let two: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const open: WsClient[] = [];
  const connect = async (app: TestApp, u: TestUser) => {
    const c = await WsClient.connect(app.wsUrl, u.token);
    open.push(c);
    return c;
  };
  /** A message clients understand, told apart by its channelId. */
  const note = () => ({ type: "resync.truncated" as const, channelId: crypto.randomUUID() });

  beforeAll(async () => {
    backing = await createBacking("production");
    [one, two] = await Promise.all([startApp(backing), startApp(backing)]);
    alice = await one.api.user();
    bob = await one.api.user();
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([one?.close(), two?.close()]);
  });

  it("reaches both sockets of the user on two instances, and no one else", async () => {
    const aliceOnOne = await connect(one, alice);
    const aliceOnTwo = await connect(two, alice);
    const bobOnOne = await connect(one, bob);
    const bobOnTwo = await connect(two, bob);

    const forAlice = note();
    await one.app.realtime.channels.deliverToUser([alice.id], forAlice);
    const isIt = (m: { [k: string]: unknown }) => m.channelId === forAlice.channelId;
    await aliceOnOne.next("resync.truncated", isIt);
    await aliceOnTwo.next("resync.truncated", isIt);

    // From the other instance, to Bob: once his sockets have it, Alice's note would have come first.
    const forBob = note();
    await two.app.realtime.channels.deliverToUser([bob.id, bob.id], forBob);
    for (const c of [bobOnOne, bobOnTwo]) {
      await c.next("resync.truncated", (m) => m.channelId === forBob.channelId);
      expect(c.of("resync.truncated").map((m) => m.channelId)).toEqual([forBob.channelId]);
    }
    expect(aliceOnOne.of("resync.truncated")).toHaveLength(1);
    expect(aliceOnTwo.of("resync.truncated")).toHaveLength(1);
  });

  it("reaches the user from an instance where their last socket has just closed", async () => {
    const carol = await one.api.user();
    const onOne = await connect(one, carol);
    const onTwo = await connect(two, carol);
    const before = two.app.realtime.connectionCount;
    onTwo.close();
    await onTwo.closed;
    await eventually(() => two.app.realtime.connectionCount === before - 1 || undefined);
    const later = note();
    await two.app.realtime.channels.deliverToUser([carol.id], later);
    await onOne.next("resync.truncated", (m) => m.channelId === later.channelId);
    expect(onOne.of("resync.truncated")).toHaveLength(1);
    expect(onTwo.of("resync.truncated")).toHaveLength(0);
  });
});
