/**
 * Raising an SOS: the alert goes out with a location if one comes within a moment (never
 * waiting longer), then the raiser's hot mic opens on a channel of the event for
 * {@link HOT_MIC_MS}, through the ordinary talk controller. From a channel screen that channel is
 * used (and named in the alert); from home, a monitored channel of the event or else its first,
 * subscribed for the purpose. That subscription lasts while the alert is open, so the raiser
 * hears staff answer there, and is given back when it closes (unless the channel is monitored or
 * on screen by then).
 */
import type { Alert } from "@won/protocol";
import { api } from "../api/endpoints";
import { connection, talk } from "../realtime/realtime";
import { getSettings } from "../settings/settings-store";
import { getLive, useLive } from "../state/live-store";
import { alertsStore, useAlerts } from "./alerts-store";
import { quickFix } from "./position";

/** How long the hot mic stays open after an SOS (the server allows up to 15 s). */
export const HOT_MIC_MS = 10_000;
const SUBSCRIBE_WAIT_MS = 5_000;

export interface SosTarget {
  eventId: string;
  /** The channel screen the SOS was raised from, if any. */
  channelId: string | null;
}

/** Raises the alert and opens the hot mic; resolves to the alert once the server has it. */
export async function raiseSos(t: SosTarget, eventChannels: () => Promise<string[]>): Promise<Alert> {
  const location = await quickFix();
  const alert = await api.raiseAlert(t.eventId, {
    ...(t.channelId ? { channelId: t.channelId } : {}),
    ...(location ? { location } : {}),
  });
  alertsStore.upsert(alert);
  void openHotMic(alert, t.channelId, eventChannels).catch((e) => console.warn("hot mic did not open", e));
  return alert;
}

/** Channels subscribed only to carry an alert's hot mic, by alert id. */
const borrowed = new Map<string, string>();
let watching = false;

function borrow(alertId: string, channelId: string) {
  connection.subscribe(channelId);
  borrowed.set(alertId, channelId);
  if (watching) return;
  watching = true;
  useAlerts.subscribe((s) => {
    for (const [id, channelId] of borrowed) {
      const a = s.book.byId[id];
      if (a && a.state !== "closed") continue;
      borrowed.delete(id);
      const kept =
        getSettings().monitored.includes(channelId) || location.pathname === `/channels/${channelId}`;
      if (!kept) connection.unsubscribe(channelId);
    }
  });
}

async function openHotMic(alert: Alert, here: string | null, eventChannels: () => Promise<string[]>) {
  const channelId = here ?? pickChannel(await eventChannels());
  if (!channelId) return;
  if (!getLive().channels[channelId]?.subscribed) {
    borrow(alert.id, channelId);
    await subscribed(channelId);
  }
  talk.hotMic(channelId, alert.id, HOT_MIC_MS);
}

function pickChannel(ids: string[]): string | null {
  const monitored = getSettings().monitored;
  return ids.find((id) => monitored.includes(id)) ?? ids[0] ?? null;
}

function subscribed(channelId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error("channel not subscribed in time"));
    }, SUBSCRIBE_WAIT_MS);
    const stop = useLive.subscribe((s) => {
      if (!s.channels[channelId]?.subscribed) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}
