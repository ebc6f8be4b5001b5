/**
 * Messages that must be acknowledged, as the web app shows and updates them: what each reader
 * sees (`ackView` and the rendered row), how `message.acked` and my own acknowledgement change a
 * timeline, that the dispatcher routes the event, and that the outbox keeps the request through
 * a queue and a retry. Rendered with react-dom/server from a seeded query cache (Node has no DOM).
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type Message, ServerMessage } from "@won/protocol";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { alertsStore } from "../alerts/alerts-store";
import { createDispatcher } from "../realtime/dispatch";
import { RealtimeEmitter } from "../realtime/realtime-events";
import { getLive, live } from "../state/live-store";
import { Outbox } from "../state/outbox";
import { queryKeys } from "../state/queries/keys";
import { realtimeCache } from "../state/queries/realtime-cache";
import { anId, aUser } from "../test/fixtures";
import { applyAck, EMPTY_TIMELINE, mergeMessages } from "../timeline/timeline";
import { Composer } from "./Composer";
import { AckList, ackView, MessageAck } from "./MessageAck";

const organiser = aUser("olga", "Olga Organiser");
const steward = aUser("sam", "Sam Steward");
const other = aUser("tess", "Tess Steward");
const channelId = anId();

function aMessage(ack?: Message["ack"], seq = 1): Message {
  return {
    id: anId(),
    channelId,
    seq,
    sender: organiser,
    kind: "text",
    body: "Close the north gate",
    ...(ack ? { ack } : {}),
    createdAt: "2026-06-01T10:00:00Z",
  };
}

const render = (m: Message, readerId: string, staff: boolean, qc = new QueryClient()) => {
  const view = ackView(m, readerId, staff);
  if (!view) return "";
  return renderToStaticMarkup(
    createElement(QueryClientProvider, { client: qc }, createElement(MessageAck, { m, view })),
  );
};

afterEach(() => live.reset());

describe("what a reader sees of a message that must be acknowledged", () => {
  const asking = aMessage({ required: true, count: 1, total: 2 });

  it("asks a recipient who has not acknowledged, and not one who has", () => {
    expect(ackView(asking, steward.id, false)).toEqual({ ask: true, done: false, tally: false });
    const html = render(asking, steward.id, false);
    expect(html).toContain('data-testid="ack-button"');
    expect(html).not.toContain("ack-tally");
    const acked = aMessage({ required: true, count: 1, total: 2, byMe: true });
    expect(ackView(acked, steward.id, false)).toEqual({ ask: false, done: true, tally: false });
    expect(render(acked, steward.id, false)).not.toContain("ack-button");
    expect(render(acked, steward.id, false)).toContain("Acknowledged");
  });

  it("shows the sender and staff the live count with who is pending, never the button", () => {
    expect(ackView(asking, organiser.id, false)).toEqual({ ask: false, done: false, tally: true });
    const html = render(asking, organiser.id, false);
    expect(html).toContain("1/2 acknowledged");
    expect(html).toContain("Who is pending");
    expect(html).not.toContain("ack-button");
    // Staff who did not send it follow the count and are asked as recipients too.
    expect(ackView(asking, steward.id, true)).toEqual({ ask: true, done: false, tally: true });
  });

  it("is nothing on a message that does not ask", () => {
    expect(ackView(aMessage(), steward.id, true)).toBeNull();
  });

  it("lists the pending and the acknowledged by name", () => {
    const html = renderToStaticMarkup(
      createElement(AckList, {
        acks: { acked: [{ user: steward, at: "2026-06-01T10:01:00Z" }], pending: [other] },
      }),
    );
    expect(html).toMatch(/Pending:.*Tess Steward · @tess/);
    expect(html).toMatch(/Acknowledged:.*Sam Steward · @sam/);
  });
});

describe("acknowledgements in a timeline", () => {
  it("only ever raise the count, and mark my own", () => {
    const m = aMessage({ required: true, count: 0, total: 2 });
    let t = { ...EMPTY_TIMELINE, messages: [m] };
    t = applyAck(t, m.id, 2, false);
    t = applyAck(t, m.id, 1, false); // a late event
    expect(t.messages[0]!.ack).toEqual({ required: true, count: 2, total: 2 });
    t = applyAck(t, m.id, undefined, true);
    expect(t.messages[0]!.ack).toEqual({ required: true, count: 2, total: 2, byMe: true });
    expect(applyAck(t, anId(), 5, true)).toBe(t);
  });

  it("keep what was seen when a stale copy of the message arrives", () => {
    const m = aMessage({ required: true, count: 2, total: 3, byMe: true });
    const stale = { ...m, ack: { required: true as const, count: 0, total: 3 } };
    expect(mergeMessages([m], [stale])[0]!.ack).toEqual({ required: true, count: 2, total: 3, byMe: true });
  });

  it("follow message.acked from the socket, and the shown list refetches", () => {
    const qc = new QueryClient();
    const dispatcher = createDispatcher({
      live,
      hasLiveChannels: () => true,
      player: { start: vi.fn(), end: vi.fn(), endChannel: vi.fn(), endAll: vi.fn() },
      missed: { enqueue: vi.fn() },
      autoPlayMissed: () => false,
      cache: realtimeCache(qc),
      events: new RealtimeEmitter(),
      selfId: () => steward.id,
      forgetMonitored: vi.fn(),
      alerts: alertsStore,
    });
    const conn = { seqs: { markHeard: vi.fn(), isMissedAudio: () => false } };
    const m = aMessage({ required: true, count: 0, total: 2 });
    live.history(channelId, [m], false, false);
    qc.setQueryData(queryKeys.messageAcks(m.id), { acked: [], pending: [steward, other] });
    const acked = (userId: string, count: number) =>
      dispatcher.dispatch(
        ServerMessage.parse({ type: "message.acked", channelId, messageId: m.id, userId, count }),
        conn,
      );
    acked(other.id, 1);
    expect(getLive().timelines[channelId]!.messages[0]!.ack).toEqual({ required: true, count: 1, total: 2 });
    expect(qc.getQueryState(queryKeys.messageAcks(m.id))?.isInvalidated).toBe(true);
    acked(steward.id, 2);
    expect(getLive().timelines[channelId]!.messages[0]!.ack).toMatchObject({ count: 2, byMe: true });
  });
});

describe("sending a message that must be acknowledged", () => {
  it("offers the toggle on the composer only to those with the requireAck ability", () => {
    const composer = (canRequireAck: boolean) =>
      renderToStaticMarkup(createElement(Composer, { channelId, canRequireAck }));
    expect(composer(true)).toContain("Require acknowledgement");
    expect(composer(true)).toContain('data-testid="require-ack"');
    expect(composer(false)).not.toContain("Require acknowledgement");
  });

  it("asks for acknowledgement when sent, and again after waiting offline", async () => {
    const posted: object[] = [];
    let online = false;
    const saved = new Map<string, string>();
    const storage = {
      getItem: (k: string) => saved.get(k) ?? null,
      setItem: (k: string, v: string) => void saved.set(k, v),
      removeItem: (k: string) => void saved.delete(k),
    };
    const outbox = new Outbox({
      post: async (_c, body) => {
        posted.push(body);
        return aMessage();
      },
      userId: () => organiser.id,
      online: () => online,
      storage,
      show: { pending: vi.fn(), confirm: vi.fn(), queue: vi.fn(), fail: vi.fn() },
    });
    expect(await outbox.send(channelId, "first", "c1", undefined, true)).toBe("queued");
    await outbox.submit(channelId, "second", "c2");
    online = true;
    await outbox.flush();
    expect(posted).toEqual([
      { body: "first", clientId: "c1", ackRequired: true },
      { body: "second", clientId: "c2" },
    ]);
  });
});
