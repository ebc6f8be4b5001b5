import { CLOSE } from "@won/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RealtimeConnection } from "./connection";

const CH = "00000000-0000-4000-8000-000000000001";
const USER = {
  id: "00000000-0000-4000-8000-00000000000a",
  username: "a",
  displayName: "A",
  createdAt: "2026-01-01T00:00:00Z",
};

/** A scripted stand-in for the browser WebSocket. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  bufferedAmount = 0;
  binaryType = "blob";
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(d: unknown) {
    this.sent.push(typeof d === "string" ? JSON.parse(d) : d);
  }
  close() {
    this.readyState = 3;
  }
  serverOpen() {
    this.readyState = 1;
    this.onopen?.();
  }
  serverSend(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  serverClose(code: number) {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" });
  }
}

function make(token = "t1", refresh = vi.fn(async (): Promise<string | null> => "t2")) {
  let current: string | null = token;
  const ended = vi.fn();
  const conn = new RealtimeConnection({
    url: () => "ws://x/api/v1/realtime",
    token: () => current,
    refresh: async () => {
      const t = await refresh();
      current = t;
      return t;
    },
    onSessionEnded: ended,
    createSocket: (u) => new FakeSocket(u) as unknown as WebSocket,
    random: () => 0.5,
  });
  return { conn, refresh, ended };
}

const last = () => FakeSocket.all[FakeSocket.all.length - 1]!;
const ready = (s: FakeSocket) => {
  s.serverOpen();
  s.serverSend({ type: "ready", sessionId: "s", user: USER, heartbeatMs: 25_000, openAlerts: [] });
};

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe("RealtimeConnection", () => {
  it("authenticates first, then subscribes wanted channels", () => {
    const { conn } = make();
    conn.subscribe(CH);
    conn.start();
    const s = last();
    s.serverOpen();
    expect(s.sent).toEqual([{ type: "auth", token: "t1" }]);
    s.serverSend({ type: "ready", sessionId: "s", user: USER, heartbeatMs: 25_000, openAlerts: [] });
    expect(conn.status).toBe("open");
    expect(s.sent[1]).toEqual({ type: "subscribe", channelId: CH });
  });

  it("resubscribes with sinceSeq = last seen seq after a drop, with backoff", async () => {
    const { conn } = make();
    conn.subscribe(CH);
    conn.start();
    ready(last());
    last().serverSend({ type: "subscribed", channelId: CH, lastSeq: 4, presence: [], speaker: null });
    last().serverSend({
      type: "message.created",
      channelId: CH,
      message: {
        id: "00000000-0000-4000-8000-000000000099",
        channelId: CH,
        seq: 5,
        sender: USER,
        kind: "text",
        body: "x",
        createdAt: "2026-01-01T00:00:00Z",
      },
    });
    last().serverClose(1006);
    expect(conn.status).toBe("reconnecting");
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(FakeSocket.all).toHaveLength(2);
    ready(last());
    expect(last().sent[1]).toEqual({ type: "subscribe", channelId: CH, sinceSeq: 5 });
  });

  it("tells the server when the page is hidden or shown, and again on a new socket", async () => {
    const { conn } = make();
    conn.setVisible(false);
    conn.start();
    ready(last());
    // A new socket counts as in view: a hidden page says so right after ready.
    expect(last().sent.slice(1)).toEqual([{ type: "client.state", visible: false }]);
    conn.setVisible(false);
    conn.setVisible(true);
    expect(last().sent.slice(1)).toEqual([
      { type: "client.state", visible: false },
      { type: "client.state", visible: true },
    ]);
    last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(600);
    ready(last());
    // Shown: nothing to say on the new socket.
    expect(last().sent.filter((m) => (m as { type: string }).type === "client.state")).toEqual([]);
  });

  it("refreshes the token on 4401, then reconnects with the new one", async () => {
    const { conn, refresh } = make();
    conn.start();
    ready(last());
    last().serverClose(CLOSE.unauthenticated);
    await vi.advanceTimersByTimeAsync(10);
    expect(refresh).toHaveBeenCalledOnce();
    expect(FakeSocket.all).toHaveLength(2);
    last().serverOpen();
    expect(last().sent[0]).toEqual({ type: "auth", token: "t2" });
  });

  it("ends the session when the refresh is rejected", async () => {
    const { conn, ended } = make(
      "t1",
      vi.fn(async () => null),
    );
    conn.start();
    ready(last());
    last().serverClose(CLOSE.unauthenticated);
    await vi.advanceTimersByTimeAsync(10);
    expect(ended).toHaveBeenCalledOnce();
    expect(conn.status).toBe("closed");
  });

  it("stays closed after a normal close and after stop()", async () => {
    const { conn } = make();
    conn.start();
    ready(last());
    last().serverClose(CLOSE.normal);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(conn.status).toBe("closed");
  });

  it("4409 (too many sessions) waits for the user: no backoff, no nudge, until retry()", async () => {
    const { conn } = make();
    conn.subscribe(CH);
    conn.start();
    ready(last());
    last().serverClose(CLOSE.tooManyConnections);
    expect(conn.status).toBe("too-many-sessions");
    await vi.advanceTimersByTimeAsync(120_000);
    conn.nudge();
    expect(FakeSocket.all).toHaveLength(1);

    conn.retry();
    expect(FakeSocket.all).toHaveLength(2);
    ready(last());
    expect(conn.status).toBe("open");
    // The channel wanted before the refusal is subscribed again.
    expect(last().sent).toContainEqual({ type: "subscribe", channelId: CH });
  });

  it("retry() does nothing unless a 4409 is waiting for it", () => {
    const { conn } = make();
    conn.start();
    ready(last());
    conn.retry();
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("stop() closes the socket with 1000 and never reconnects", async () => {
    const { conn } = make();
    conn.start();
    const s = last();
    ready(s);
    conn.stop();
    expect(s.readyState).toBe(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("answers server pings and declares a silent socket dead", async () => {
    const { conn } = make();
    conn.start();
    const s = last();
    ready(s);
    s.serverSend({ type: "ping" });
    expect(s.sent).toContainEqual({ type: "pong" });
    await vi.advanceTimersByTimeAsync(25_000 * 4);
    expect(FakeSocket.all.length).toBeGreaterThan(1);
  });

  it("drops audio instead of queueing when the socket is backed up", () => {
    const { conn } = make();
    conn.start();
    const s = last();
    ready(s);
    expect(conn.sendBinary(new Uint8Array(10))).toBe(true);
    s.bufferedAmount = 1 << 20;
    expect(conn.sendBinary(new Uint8Array(10))).toBe(false);
  });
});
