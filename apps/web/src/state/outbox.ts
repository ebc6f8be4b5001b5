/**
 * Texts written without a network are not lost: they wait in an outbox, shown as queued, and
 * send themselves, oldest first, when the connection is back (the socket reopens or the browser
 * says it is online). A post that failed for want of a network (no answer, 502/503/504, 408,
 * 429) is queued the same way. Resending is safe: each text keeps its clientId, which the server
 * uses as the idempotency key, so a post that did arrive before the answer was lost is not
 * doubled. Only a refusal (403, 400, …) marks a text as failed, with the reason and a Retry.
 *
 * The outbox is kept in localStorage with the author's id, so a reload keeps it and the next
 * user of a shared phone never sends the previous one's texts; sign-out clears it.
 */
import type { Message, PostMessageBody } from "@won/protocol";
import { ApiError, describeError } from "../api/problem";
import type { PendingMessage } from "../timeline/timeline";

export interface QueuedText {
  userId: string;
  channelId: string;
  clientId: string;
  body: string;
  createdAt: string;
  /** Asks every recipient to acknowledge it. */
  ackRequired?: true;
}

export interface OutboxDeps {
  post(channelId: string, body: PostMessageBody): Promise<Message>;
  /** The signed-in user's id, or undefined when signed out. */
  userId(): string | undefined;
  /** `navigator.onLine`: false means certainly offline. */
  online(): boolean;
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  /** Where the timeline shows each text's state (the live store). */
  show: {
    pending(channelId: string, p: PendingMessage): void;
    confirm(channelId: string, clientId: string, msg: Message): void;
    queue(channelId: string, clientId: string): void;
    fail(channelId: string, clientId: string, error: string): void;
  };
}

const KEY = "won.outbox.v1";

/** Whether a failed post may succeed when simply sent again later. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 502;
}

export class Outbox {
  private flushing: Promise<void> | null = null;

  constructor(private readonly deps: OutboxDeps) {}

  /**
   * Posts a text: shown at once, then confirmed, queued (no network) or failed (refused). A
   * retry passes the same clientId. Resolves to the outcome.
   */
  async send(
    channelId: string,
    body: string,
    clientId: string,
    createdAt = new Date().toISOString(),
    ackRequired = false,
  ): Promise<"sent" | "queued" | "failed"> {
    const userId = this.deps.userId();
    if (!userId) return "failed";
    const { show } = this.deps;
    const ack = ackRequired ? { ackRequired: true as const } : {};
    const text: QueuedText = { userId, channelId, clientId, body, createdAt, ...ack };
    show.pending(channelId, { clientId, body, createdAt, status: "sending", ...ack });
    // Kept before the attempt (in its place, if it was waiting): a reload in the middle of it
    // does not lose the text.
    const list = this.load();
    const at = list.findIndex((q) => q.clientId === clientId);
    if (at >= 0) list[at] = text;
    else list.push(text);
    this.save(list);
    if (!this.deps.online()) {
      show.queue(channelId, clientId);
      return "queued";
    }
    try {
      const msg = await this.deps.post(channelId, { body, clientId, ...ack });
      this.forget(clientId);
      show.confirm(channelId, clientId, msg);
      return "sent";
    } catch (err) {
      if (isRetryable(err)) {
        show.queue(channelId, clientId);
        return "queued";
      }
      this.forget(clientId);
      show.fail(channelId, clientId, describeError(err));
      return "failed";
    }
  }

  /** A new text: straight out, or behind the texts already waiting so the order holds. */
  submit(channelId: string, body: string, clientId: string, ackRequired = false): Promise<unknown> {
    if (!this.queued().length) return this.send(channelId, body, clientId, undefined, ackRequired);
    const userId = this.deps.userId();
    if (!userId) return Promise.resolve();
    const createdAt = new Date().toISOString();
    const ack = ackRequired ? { ackRequired: true as const } : {};
    this.save([...this.load(), { userId, channelId, clientId, body, createdAt, ...ack }]);
    this.deps.show.pending(channelId, { clientId, body, createdAt, status: "queued", ...ack });
    return this.flush();
  }

  /** The signed-in user's queued texts, oldest first. */
  queued(): QueuedText[] {
    const me = this.deps.userId();
    return this.load()
      .filter((q) => q.userId === me)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Shows the signed-in user's queued texts (after a reload). */
  restore(): void {
    for (const q of this.queued())
      this.deps.show.pending(q.channelId, {
        clientId: q.clientId,
        body: q.body,
        createdAt: q.createdAt,
        status: "queued",
        ...(q.ackRequired ? { ackRequired: true as const } : {}),
      });
  }

  /** Sends every queued text in order; stops at the first that has to wait again. One at a time. */
  flush(): Promise<void> {
    if (!this.deps.online()) return Promise.resolve();
    // Cleared from a settled promise's callback, which runs after this assignment, so a flush
    // that finds nothing to send cannot leave a finished run in place forever.
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    for (const q of this.queued()) {
      if ((await this.send(q.channelId, q.body, q.clientId, q.createdAt, q.ackRequired)) === "queued") return;
    }
  }

  /** Sign-out: nothing of this user's stays on the device. */
  clear(): void {
    this.deps.storage?.removeItem(KEY);
  }

  private forget(clientId: string): void {
    this.save(this.load().filter((q) => q.clientId !== clientId));
  }

  private load(): QueuedText[] {
    try {
      const raw = this.deps.storage?.getItem(KEY);
      const list: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(list) ? list.filter(isQueuedText) : [];
    } catch {
      return [];
    }
  }

  private save(list: QueuedText[]): void {
    try {
      if (list.length) this.deps.storage?.setItem(KEY, JSON.stringify(list));
      else this.deps.storage?.removeItem(KEY);
    } catch {
      // Storage full or blocked: the texts still show and send from memory while the page lives.
    }
  }
}

function isQueuedText(x: unknown): x is QueuedText {
  const q = x as Partial<QueuedText> | null;
  return (
    typeof q === "object" &&
    q !== null &&
    [q.userId, q.channelId, q.clientId, q.body, q.createdAt].every((v) => typeof v === "string")
  );
}
