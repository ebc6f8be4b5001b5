/**
 * A channel's timeline as pure data: server messages ordered by `seq` (deduplicated — the same
 * message can arrive from history, from the POST response and from the socket), plus optimistic
 * text messages that are still being sent, keyed by their `clientId` idempotency key.
 */
import type { Message } from "@won/protocol";

export interface PendingMessage {
  clientId: string;
  body: string;
  createdAt: string;
  /** `queued`: waiting for the network (the outbox sends it on reconnect); `failed`: refused. */
  status: "queued" | "sending" | "failed";
  /** Why a failed message was refused. */
  error?: string;
  /** Asks every recipient to acknowledge it (kept for a retry). */
  ackRequired?: true;
}

export interface Timeline {
  messages: Message[];
  pending: PendingMessage[];
  /** Older history exists on the server (paging backwards). */
  hasMoreBefore: boolean;
  loaded: boolean;
}

export const EMPTY_TIMELINE: Timeline = { messages: [], pending: [], hasMoreBefore: false, loaded: false };

/** Inserts messages, keeping `seq` order and one entry per seq (the newer copy wins). */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return current;
  const last = current[current.length - 1];
  // Fast path: the common live case of one message after everything we have.
  if (incoming.length === 1 && (!last || incoming[0]!.seq > last.seq)) return [...current, incoming[0]!];
  const bySeq = new Map<number, Message>();
  for (const m of current) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, keepAcks(bySeq.get(m.seq), m));
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** A newer copy of a message never forgets acknowledgements the older one had seen. */
function keepAcks(old: Message | undefined, m: Message): Message {
  if (!old?.ack || !m.ack || old.id !== m.id) return m;
  const count = Math.max(old.ack.count, m.ack.count);
  const byMe = old.ack.byMe || m.ack.byMe;
  return { ...m, ack: { ...m.ack, count, total: Math.max(m.ack.total, count), ...(byMe ? { byMe } : {}) } };
}

export function addPending(t: Timeline, p: PendingMessage): Timeline {
  return { ...t, pending: [...t.pending.filter((x) => x.clientId !== p.clientId), p] };
}

/** The POST came back: the server message replaces the optimistic one. */
export function confirmPending(t: Timeline, clientId: string, msg: Message): Timeline {
  return {
    ...t,
    messages: mergeMessages(t.messages, [msg]),
    pending: t.pending.filter((p) => p.clientId !== clientId),
  };
}

/** The POST did not go through: `queued` to be sent again on reconnect, or `failed` with why. */
export function failPending(
  t: Timeline,
  clientId: string,
  status: "queued" | "failed" = "failed",
  error?: string,
): Timeline {
  return {
    ...t,
    pending: t.pending.map((p) => (p.clientId === clientId ? { ...p, status, error } : p)),
  };
}

export function addMessages(t: Timeline, msgs: Message[]): Timeline {
  return { ...t, messages: mergeMessages(t.messages, msgs) };
}

/** History page loaded (newest page first, then older ones with `before`). */
export function addHistory(t: Timeline, msgs: Message[], hasMore: boolean, older: boolean): Timeline {
  return {
    ...t,
    messages: mergeMessages(t.messages, msgs),
    hasMoreBefore: older || !t.loaded ? hasMore : t.hasMoreBefore,
    loaded: true,
  };
}

/**
 * `message.acked`, or my own acknowledgement: a message's count only grows, so an event that
 * arrives late never lowers it; `byMe` is set once I acknowledged.
 */
export function applyAck(t: Timeline, messageId: string, count: number | undefined, byMe: boolean): Timeline {
  let changed = false;
  const messages = t.messages.map((m) => {
    if (m.id !== messageId || !m.ack) return m;
    changed = true;
    const next = Math.max(m.ack.count, count ?? 0);
    return {
      ...m,
      ack: { ...m.ack, count: next, total: Math.max(m.ack.total, next), ...(byMe ? { byMe } : {}) },
    };
  });
  return changed ? { ...t, messages } : t;
}

/** Highest seq in the timeline, if any. */
export function maxSeq(t: Timeline): number | undefined {
  return t.messages[t.messages.length - 1]?.seq;
}

/** A fresh idempotency key for a text message. */
export function newClientId(): string {
  return (
    globalThis.crypto?.randomUUID?.() ?? `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  );
}
