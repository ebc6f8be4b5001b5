import { routes } from "@won/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { request } from "./client";
import { ApiError } from "./problem";

vi.mock("../auth/session", () => ({
  getSession: () => ({ accessToken: "tok", refreshToken: "r" }),
  setTokens: () => {},
  clearSession: () => {},
}));

const channel = {
  id: "11111111-1111-4111-8111-111111111111",
  name: "Ops",
  description: "",
  eventId: null,
  kind: "group",
  myRole: "admin",
  canSpeak: true,
  lastSeq: 0,
  inviteCode: "ABCD2345",
  abilities: Object.fromEntries(
    [
      "talk",
      "interrupt",
      "moderate",
      "edit",
      "delete",
      "invite",
      "rotateInvite",
      "manageMembers",
      "leave",
      "requireAck",
    ].map((k) => [k, true]),
  ),
  createdAt: "2026-01-01T00:00:00.000Z",
};

function answer(status: number, body: unknown, type = "application/json") {
  const fetch = vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { "content-type": type },
      }),
  );
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

describe("typed client", () => {
  it("builds the URL from the table under the API prefix and parses the route's schema", async () => {
    const fetch = answer(200, channel);
    const out = await request(routes.regenerateChannelCode, { params: { channelId: channel.id } });
    expect(out.inviteCode).toBe("ABCD2345");
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(`/api/v1/channels/${channel.id}/invite-code`);
    expect(init?.method).toBe("POST");
    expect((init!.headers as Record<string, string>).authorization).toBe("Bearer tok");
  });

  it("encodes the query, leaving out unset values", async () => {
    const fetch = answer(200, { messages: [], hasMore: false });
    await request(routes.listMessages, {
      params: { channelId: channel.id },
      query: { before: 5, limit: 10 },
    });
    expect(fetch.mock.calls[0]![0]).toBe(`/api/v1/channels/${channel.id}/messages?before=5&limit=10`);
  });

  it("returns undefined for 204 and sends anonymous routes without a token", async () => {
    const fetch = answer(204, undefined);
    expect(await request(routes.deleteChannel, { params: { channelId: channel.id } })).toBeUndefined();
    answer(201, { nope: true });
    await expect(
      request(routes.register, { body: { username: "abc", email: "a@b.cd", password: "12345678" } }),
    ).rejects.toMatchObject({ code: "invalid_response" });
    const last = vi.mocked(globalThis.fetch).mock.calls[0]!;
    expect((last[1]!.headers as Record<string, string>).authorization).toBeUndefined();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("maps problem+json to ApiError with its code", async () => {
    answer(
      403,
      { type: "https://operation-won.dev/problems/forbidden", title: "t", status: 403, code: "forbidden" },
      "application/problem+json",
    );
    const err = await request(routes.getChannel, { params: { channelId: channel.id } }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: "forbidden" });
  });
});
