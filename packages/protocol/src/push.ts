/**
 * Web Push (RFC 8030 delivery, RFC 8291 message encryption, RFC 8292 VAPID): the server's
 * public key, a browser's subscription, and what a push carries.
 */
import { z } from "zod";

/** base64url without padding, as browsers give a subscription's keys. */
const Base64Url = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be base64url");

export const PushConfig = z.object({
  /** The VAPID public key (uncompressed P-256 point, base64url): `applicationServerKey`. */
  publicKey: Base64Url,
});
export type PushConfig = z.infer<typeof PushConfig>;

export const PushSubscriptionBody = z.strictObject({
  /** The push service's URL for this browser: https, on a public address. */
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  keys: z.strictObject({
    /** The browser's P-256 public key (65 bytes, base64url). */
    p256dh: Base64Url.min(80).max(100),
    /** The shared authentication secret (16 bytes, base64url). */
    auth: Base64Url.min(16).max(32),
  }),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>;

export const PushUnsubscribeBody = z.strictObject({ endpoint: z.string().min(1).max(2048) });
export type PushUnsubscribeBody = z.infer<typeof PushUnsubscribeBody>;

/**
 * The decrypted payload of a push: what happened, a title and body to show as they are, and the
 * app path to open when the notification is tapped. `tag` groups repeats (an escalation replaces
 * the alert's earlier notification).
 */
export const PushPayload = z.object({
  type: z.enum(["alert.raised", "alert.escalated", "direct.transmission", "message.ack_required"]),
  title: z.string(),
  body: z.string(),
  url: z.string().startsWith("/"),
  tag: z.string(),
  alertId: z.string().optional(),
  eventId: z.string().optional(),
  channelId: z.string().optional(),
});
export type PushPayload = z.infer<typeof PushPayload>;
