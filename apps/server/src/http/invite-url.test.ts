/** `inviteUrl` on events and channels: PUBLIC_URL, or the request's origin but never loopback. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lanAddresses } from "../lib/tls-certificate.js";
import { createBacking, startApp, type TestApp, type TestUser } from "../test/harness.js";

async function organiserWithChannel(t: TestApp) {
  const organiser = await t.api.user();
  const event = await t.api.post("/events", { name: "Harbour" }, organiser.token);
  const channel = await t.api.post("/channels", { name: "Gate", eventId: event.body.id }, organiser.token);
  return { organiser, eventId: event.body.id as string, channelId: channel.body.id as string };
}

const withHost = (t: TestApp, url: string, user: TestUser, host: string) =>
  t.api.req("GET", url, { token: user.token, headers: { host } });

describe("inviteUrl with PUBLIC_URL", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(await createBacking("embedded", { PUBLIC_URL: "https://radio.example.org/" }));
  });
  afterAll(() => t?.close());

  it("is PUBLIC_URL/join/CODE on events and channels, whatever the Host", async () => {
    const { organiser, eventId, channelId } = await organiserWithChannel(t);
    const event = (await withHost(t, `/events/${eventId}`, organiser, "127.0.0.1:8000")).body;
    expect(event.inviteUrl).toBe(`https://radio.example.org/join/${event.inviteCode}`);
    expect(event.channels[0].inviteUrl).toBe(
      `https://radio.example.org/join/${event.channels[0].inviteCode}`,
    );
    const channel = (await withHost(t, `/channels/${channelId}`, organiser, "10.1.2.3:8000")).body;
    expect(channel.inviteUrl).toBe(`https://radio.example.org/join/${channel.inviteCode}`);
  });

  it("is shown exactly where inviteCode is", async () => {
    const { organiser, eventId } = await organiserWithChannel(t);
    const code = (await t.api.get(`/events/${eventId}`, organiser.token)).body.inviteCode;
    const participant = await t.api.user();
    const joined = (await t.api.post("/join", { code }, participant.token)).body;
    expect(joined.event).not.toHaveProperty("inviteCode");
    expect(joined.event).not.toHaveProperty("inviteUrl");
    expect(joined.event.channels[0]).not.toHaveProperty("inviteUrl");
  });
});

describe("inviteUrl without PUBLIC_URL", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(await createBacking("embedded"));
  });
  afterAll(() => t?.close());

  it("replaces a loopback Host with this machine's LAN address, keeping the port", async () => {
    const lan = lanAddresses().find((a) => !a.includes(":"));
    const { organiser, eventId } = await organiserWithChannel(t);
    for (const host of ["127.0.0.1:8000", "localhost:8000"]) {
      const event = (await withHost(t, `/events/${eventId}`, organiser, host)).body;
      const expected = lan ? `http://${lan}:8000` : `http://${host}`;
      expect(event.inviteUrl).toBe(`${expected}/join/${event.inviteCode}`);
    }
  });

  it("keeps a LAN Host as the phones will use it", async () => {
    const { organiser, eventId, channelId } = await organiserWithChannel(t);
    const event = (await withHost(t, `/events/${eventId}`, organiser, "192.168.1.20:8000")).body;
    expect(event.inviteUrl).toBe(`http://192.168.1.20:8000/join/${event.inviteCode}`);
    const rotated = (
      await t.api.req("POST", `/channels/${channelId}/invite-code`, {
        token: organiser.token,
        headers: { host: "venue.local:8000" },
      })
    ).body;
    expect(rotated.inviteUrl).toBe(`http://venue.local:8000/join/${rotated.inviteCode}`);
  });
});
