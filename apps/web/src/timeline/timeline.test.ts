import type { Message } from "@won/protocol";
import { describe, expect, it } from "vitest";
import {
  addHistory,
  addMessages,
  addPending,
  confirmPending,
  EMPTY_TIMELINE,
  failPending,
  maxSeq,
  mergeMessages,
} from "./timeline";

const m = (seq: number, body = `b${seq}`): Message => ({
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
  channelId: "00000000-0000-4000-8000-000000000001",
  seq,
  kind: "text",
  body,
  sender: {
    id: "00000000-0000-4000-8000-00000000000a",
    username: "a",
    displayName: "A",
    createdAt: "2026-01-01T00:00:00Z",
  },
  createdAt: "2026-01-01T00:00:00Z",
});

describe("timeline", () => {
  it("merges out-of-order and duplicate messages by seq", () => {
    const out = mergeMessages([m(1), m(3)], [m(2), m(3, "new"), m(5)]);
    expect(out.map((x) => x.seq)).toEqual([1, 2, 3, 5]);
    expect(out[2]!.body).toBe("new");
    expect(mergeMessages([m(1)], [m(2)]).map((x) => x.seq)).toEqual([1, 2]);
  });

  it("replaces an optimistic message with the server copy, once", () => {
    let t = addPending(EMPTY_TIMELINE, { clientId: "c1", body: "hi", createdAt: "", status: "sending" });
    expect(t.pending).toHaveLength(1);
    t = addMessages(t, [m(7, "hi")]); // the socket may deliver it before the POST returns
    t = confirmPending(t, "c1", m(7, "hi"));
    expect(t.pending).toHaveLength(0);
    expect(t.messages).toHaveLength(1);
    expect(maxSeq(t)).toBe(7);
  });

  it("marks a failed send without losing the text", () => {
    let t = addPending(EMPTY_TIMELINE, { clientId: "c1", body: "hi", createdAt: "", status: "sending" });
    t = failPending(t, "c1");
    expect(t.pending[0]).toMatchObject({ body: "hi", status: "failed" });
  });

  it("tracks whether older history exists", () => {
    let t = addHistory(EMPTY_TIMELINE, [m(50), m(51)], true, false);
    expect(t).toMatchObject({ loaded: true, hasMoreBefore: true });
    t = addHistory(t, [m(52)], false, false); // a later catch-up page does not change it
    expect(t.hasMoreBefore).toBe(true);
    t = addHistory(t, [m(1)], false, true);
    expect(t.hasMoreBefore).toBe(false);
  });
});
