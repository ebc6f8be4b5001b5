import type { Message } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/problem";
import { isRetryable, Outbox, type OutboxDeps } from "./outbox";

const CH = "00000000-0000-4000-8000-000000000001";

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

/** An outbox over a scripted network: `answers` decides each post; `shown` is the timeline's view. */
function setup(userId = "u1") {
  const storage = new MemoryStorage();
  const posted: string[] = [];
  const shown = new Map<string, string>();
  const net = { online: true, fail: null as ApiError | null, user: userId as string | undefined };
  const deps: OutboxDeps = {
    post: async (_ch, body) => {
      if (net.fail) throw net.fail;
      posted.push(body.body);
      return { id: body.clientId, body: body.body } as unknown as Message;
    },
    userId: () => net.user,
    online: () => net.online,
    storage,
    show: {
      pending: (_c, p) => void shown.set(p.body, p.status),
      confirm: (_c, clientId) => void shown.set(`sent:${clientId}`, "sent"),
      queue: (_c, clientId) => void shown.set(`queued:${clientId}`, "queued"),
      fail: (_c, clientId, error) => void shown.set(`failed:${clientId}`, error),
    },
  };
  return { outbox: new Outbox(deps), storage, posted, shown, net, deps };
}

describe("the outbox", () => {
  it("queues texts written offline and sends them in order when back, each once", async () => {
    const { outbox, posted, net } = setup();
    net.online = false;
    expect(await outbox.send(CH, "first", "c1")).toBe("queued");
    await outbox.submit(CH, "second", "c2");
    expect(posted).toEqual([]);
    expect(outbox.queued().map((q) => q.body)).toEqual(["first", "second"]);

    net.online = true;
    await outbox.flush();
    expect(posted).toEqual(["first", "second"]);
    expect(outbox.queued()).toEqual([]);
    await outbox.flush();
    expect(posted).toEqual(["first", "second"]);
  });

  it("queues a post the network lost, and marks a refused one failed with the reason", async () => {
    const { outbox, net, shown } = setup();
    net.fail = new ApiError(0, "network", "offline");
    expect(await outbox.send(CH, "lost", "c1")).toBe("queued");
    net.fail = new ApiError(503, "unavailable", "down");
    expect(await outbox.send(CH, "down", "c2")).toBe("queued");
    net.fail = new ApiError(403, "forbidden", "no");
    expect(await outbox.send(CH, "refused", "c3")).toBe("failed");
    expect(shown.get("failed:c3")).toBeTruthy();
    expect(outbox.queued().map((q) => q.body)).toEqual(["lost", "down"]);
  });

  it("keeps the queue across a reload, for its author only, and forgets it at sign-out", async () => {
    const { outbox, storage, net, deps } = setup("u1");
    net.online = false;
    await outbox.send(CH, "kept", "c1");
    const restored: string[] = [];
    const reloaded = new Outbox({
      ...deps,
      storage,
      show: { ...deps.show, pending: (_c, p) => void restored.push(`${p.body}:${p.status}`) },
    });
    reloaded.restore();
    expect(restored).toEqual(["kept:queued"]);
    net.user = "u2";
    expect(reloaded.queued()).toEqual([]);
    net.user = "u1";
    reloaded.clear();
    expect(reloaded.queued()).toEqual([]);
  });

  it("flushes again after a flush that found nothing to send", async () => {
    const { outbox, net, posted } = setup();
    await outbox.flush();
    net.online = false;
    await outbox.send(CH, "later", "c1");
    net.online = true;
    await outbox.flush();
    expect(posted).toEqual(["later"]);
  });

  it("sends nothing while a flush finds the network still down", async () => {
    const { outbox, net, posted } = setup();
    net.online = false;
    await outbox.send(CH, "a", "c1");
    await outbox.send(CH, "b", "c2");
    net.online = true;
    net.fail = new ApiError(0, "network", "offline");
    await outbox.flush();
    expect(posted).toEqual([]);
    expect(outbox.queued()).toHaveLength(2);
  });

  it("knows which failures are worth sending again", () => {
    expect(isRetryable(new TypeError("Failed to fetch"))).toBe(true);
    expect(isRetryable(new ApiError(429, "rate_limited", ""))).toBe(true);
    expect(isRetryable(new ApiError(504, "internal", ""))).toBe(true);
    expect(isRetryable(new ApiError(400, "invalid_body", ""))).toBe(false);
    expect(isRetryable(new ApiError(500, "internal", ""))).toBe(false);
  });
});
