/**
 * Web Push delivery: wakes the browsers of users who would otherwise miss something — no socket
 * open, or every socket's page hidden (a phone in a pocket). Whether a user has the app in view
 * is read from the attention engine, across instances, at the moment of sending.
 *
 * Sending never blocks the caller's work and never throws: push services are on the internet,
 * slow or down at times, and an alert must be announced on the sockets whatever they do. Each
 * endpoint is re-checked before it is sent to (see endpoint.ts); a push service answering 404 or
 * 410 means the subscription is gone, and it is forgotten. Endpoints are capability URLs: only
 * their host is ever logged.
 */
import type { PushPayload } from "@won/protocol";
import type { Logger } from "pino";
import webpush from "web-push";
import type { Config } from "../config.js";
import type { Presence } from "../engines/index.js";
import type { PushSubscriptionRow, PushSubscriptionsRepo } from "../repositories/push-subscriptions.js";
import { checkPushEndpoint } from "./endpoint.js";

/** What one push service answered. */
export interface SendResult {
  statusCode: number;
}

export type SendPush = (
  subscription: webpush.PushSubscription,
  payload: string,
  options: webpush.RequestOptions,
) => Promise<SendResult>;

/** Sends in flight at once, so a large staff does not open hundreds of connections together. */
const CONCURRENCY = 16;
/** How long one push service may take to answer. */
const SEND_TIMEOUT_MS = 10_000;

export interface PushDeps {
  subscriptions: Pick<PushSubscriptionsRepo, "ofUsers" | "removeEndpoint">;
  attention: Pick<Presence, "users">;
  config: Config["push"];
  log: Logger;
}

export interface PushReport {
  /** Users skipped because a socket of theirs has the app in view. */
  inView: number;
  /** Pushes the push services accepted. */
  sent: number;
  /** Subscriptions forgotten because their push service said they are gone. */
  gone: number;
  failed: number;
}

export class PushNotifier {
  /** Sends still running (tests and shutdown wait on these). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: PushDeps,
    private readonly send: SendPush = sendPush,
  ) {}

  get publicKey(): string | null {
    return this.deps.config.vapid?.publicKey ?? null;
  }

  /** Starts pushing `payload` to whichever of `userIds` has no socket in view; returns at once. */
  notify(userIds: readonly string[], payload: PushPayload, urgency: webpush.Urgency = "high"): void {
    if (!this.deps.config.vapid || !userIds.length) return;
    const run = this.deliver(userIds, payload, urgency).catch((err) => {
      this.deps.log.warn({ err: (err as Error).message, type: payload.type }, "push delivery failed");
    });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Resolves once every push started so far has settled. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** The delivery itself: who is out of view, their subscriptions, one send each. */
  async deliver(
    userIds: readonly string[],
    payload: PushPayload,
    urgency: webpush.Urgency,
  ): Promise<PushReport> {
    const report: PushReport = { inView: 0, sent: 0, gone: 0, failed: 0 };
    const away: string[] = [];
    for (const userId of new Set(userIds)) {
      if ((await this.deps.attention.users(userId)).length) report.inView++;
      else away.push(userId);
    }
    const subscriptions = await this.deps.subscriptions.ofUsers(away);
    const body = JSON.stringify(payload);
    const queue = [...subscriptions];
    const worker = async () => {
      for (let sub = queue.shift(); sub; sub = queue.shift()) {
        const outcome = await this.sendOne(sub, body, payload, urgency);
        report[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    return report;
  }

  private async sendOne(
    sub: PushSubscriptionRow,
    body: string,
    payload: PushPayload,
    urgency: webpush.Urgency,
  ): Promise<"sent" | "gone" | "failed"> {
    const { vapid, subject, allowLoopback } = this.deps.config;
    let host = "(invalid)";
    try {
      host = (await checkPushEndpoint(sub.endpoint, { allowLoopback })).host;
      await this.send({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, body, {
        vapidDetails: { subject, publicKey: vapid!.publicKey, privateKey: vapid!.privateKey },
        contentEncoding: "aes128gcm",
        urgency,
        // An alert nobody saw within ten minutes has been escalated (and pushed) again meanwhile.
        TTL: 600,
        topic: topicOf(payload.tag),
      });
      return "sent";
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        await this.deps.subscriptions.removeEndpoint(sub.endpoint);
        return "gone";
      }
      this.deps.log.warn(
        { host, status, err: (err as Error).message, type: payload.type },
        "push not accepted",
      );
      return "failed";
    }
  }
}

/**
 * One push: web-push encrypts the payload and signs the VAPID header; the request itself goes
 * out with fetch, which never follows a redirect (a push service has no business sending the
 * server elsewhere) and also speaks plain http to the loopback test service.
 */
async function sendPush(
  subscription: webpush.PushSubscription,
  payload: string,
  options: webpush.RequestOptions,
): Promise<SendResult> {
  const request = webpush.generateRequestDetails(subscription, payload, options);
  const res = await fetch(request.endpoint, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: "error",
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  await res.body?.cancel();
  if (res.status >= 200 && res.status < 300) return { statusCode: res.status };
  throw Object.assign(new Error(`the push service answered ${res.status}`), { statusCode: res.status });
}

/** RFC 8030 §5.4: a topic is at most 32 base64url characters; a later push replaces an earlier one. */
function topicOf(tag: string): string {
  return tag.replace(/[^A-Za-z0-9_-]/g, "").slice(-32);
}
