/**
 * Which event the home screen's SOS raises in. Asking first would cost a tap in an emergency, so
 * one is chosen: the event happening now (started, not ended), else the one starting soonest
 * or ended most recently, else the newest joined; a picker beside the button lets the user
 * change it before holding, never after.
 */
import type { Event } from "@won/protocol";

const t = (iso: string | null) => (iso ? Date.parse(iso) : null);

/** Distance in ms from `now` to the event's time span (0 while it runs); null without dates. */
function distanceFromNow(ev: Event, now: number): number | null {
  const start = t(ev.startsAt);
  const end = t(ev.endsAt);
  if (start === null) return null;
  if (now < start) return start - now;
  if (end === null || now <= end) return 0;
  return now - end;
}

export function defaultSosEvent(events: readonly Event[], now: number): Event | null {
  let best: Event | null = null;
  let bestKey: [number, number] | null = null;
  for (const ev of events) {
    const d = distanceFromNow(ev, now);
    // Dated events by closeness to now; undated after them, newest first.
    const key: [number, number] = d === null ? [1, -Date.parse(ev.createdAt)] : [0, d];
    if (!bestKey || key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
      best = ev;
      bestKey = key;
    }
  }
  return best;
}
