/**
 * Alerts when the app is closed: this browser's Web Push subscription, registered for the
 * signed-in session. The service worker (`public/sw.js`) shows what arrives. The server pushes
 * only to users with no page in view, so an open app is never doubled by a notification.
 *
 * A subscription outlives sign-out in the browser, while the server drops it with the session;
 * `resyncPush` registers it again for whoever signs in next on this device.
 */
import type { PushSubscriptionBody } from "@won/protocol";
import { api } from "../api/endpoints";

export type PushState =
  /** No service worker, Push API or Notification API (an iPhone browser tab, not installed). */
  | "unsupported"
  /** The server has push turned off. */
  | "off-on-server"
  /** The user refused notifications for this site; only the browser's site settings undo it. */
  | "denied"
  | "disabled"
  | "enabled";

export function pushSupported(): boolean {
  return (
    typeof navigator !== "undefined" &&
    "serviceWorker" in navigator &&
    typeof window !== "undefined" &&
    "PushManager" in window &&
    "Notification" in window
  );
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!pushSupported()) return null;
  return (await navigator.serviceWorker.getRegistration("/")) ?? null;
}

/** The subscription as the server takes it. */
export function subscriptionBody(sub: PushSubscription): PushSubscriptionBody {
  const json = sub.toJSON();
  return {
    endpoint: sub.endpoint,
    keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" },
  };
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  const reg = await registration();
  const sub = await reg?.pushManager.getSubscription();
  return sub && Notification.permission === "granted" ? "enabled" : "disabled";
}

/** Asks for permission (must run from a tap), subscribes with the server's key and registers. */
export async function enablePush(): Promise<PushState> {
  if (!pushSupported()) return "unsupported";
  const config = await api.pushConfig().catch(() => null);
  if (!config) return "off-on-server";
  if ((await Notification.requestPermission()) !== "granted") return "denied";
  const reg = await navigator.serviceWorker.ready;
  let sub = await reg.pushManager.getSubscription();
  // A subscription made with another server key (the server's keys changed) cannot be used.
  if (sub && !sameKey(sub.options.applicationServerKey, config.publicKey)) {
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await reg.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: fromBase64Url(config.publicKey),
  });
  await api.subscribePush(subscriptionBody(sub));
  return "enabled";
}

export async function disablePush(): Promise<PushState> {
  const sub = await (await registration())?.pushManager.getSubscription();
  if (sub) {
    await api.unsubscribePush(sub.endpoint).catch(() => undefined);
    await sub.unsubscribe();
  }
  return pushSupported() ? "disabled" : "unsupported";
}

/** After sign-in: this browser's existing subscription now belongs to the new session. */
export async function resyncPush(): Promise<void> {
  if (!pushSupported() || Notification.permission !== "granted") return;
  const sub = await (await registration())?.pushManager.getSubscription();
  if (sub) await api.subscribePush(subscriptionBody(sub)).catch(() => undefined);
}

export function fromBase64Url(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function sameKey(key: ArrayBuffer | null, publicKey: string): boolean {
  if (!key) return false;
  const a = new Uint8Array(key);
  const b = fromBase64Url(publicKey);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
