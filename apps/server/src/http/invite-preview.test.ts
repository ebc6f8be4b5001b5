import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacking, startApp, type TestApp } from "../test/harness.js";

/** The signed-out landing page of an invite link: names only, limited per client address. */
describe("invite preview", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp(await createBacking("embedded", { RATE_INVITE_PREVIEW_PER_IP: "6" }));
  });
  afterAll(() => t.close());

  it("names the event or the channel (with its event) without a sign-in, and nothing else", async () => {
    const owner = await t.api.user();
    const ev = (await t.api.post("/events", { name: "Harbour Festival" }, owner.token)).body;
    const ch = (await t.api.post("/channels", { name: "Gate 3", eventId: ev.id }, owner.token)).body;
    const loose = (await t.api.post("/channels", { name: "Crew bus" }, owner.token)).body;

    const event = await t.api.post("/invites/preview", { code: ev.inviteCode.toLowerCase() });
    expect(event.status).toBe(200);
    expect(event.body).toEqual({ kind: "event", name: "Harbour Festival", eventName: null });
    expect((await t.api.post("/invites/preview", { code: ch.inviteCode })).body).toEqual({
      kind: "channel",
      name: "Gate 3",
      eventName: "Harbour Festival",
    });
    expect((await t.api.post("/invites/preview", { code: loose.inviteCode })).body).toEqual({
      kind: "channel",
      name: "Crew bus",
      eventName: null,
    });
    const wrong = await t.api.post("/invites/preview", { code: "ZZZZZZZZ" });
    expect(wrong.body.code).toBe("invalid_code");
    expect((await t.api.post("/invites/preview", { code: "" })).status).toBe(400);
  });

  it("refuses a client address past its limit, so codes cannot be guessed through it", async () => {
    let last = 0;
    for (let i = 0; i < 8; i++) last = (await t.api.post("/invites/preview", { code: "ZZZZZZZZ" })).status;
    expect(last).toBe(429);
  });
});
