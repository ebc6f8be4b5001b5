/**
 * The alerts this client knows about, reduced from the socket (`ready.openAlerts`,
 * `alert.raised`, `alert.updated`) and from REST answers (claim, resolve, raise). Pure: the
 * store in `alerts-store.ts` holds one book and the tests drive this directly.
 *
 * Messages can cross (a REST answer and the socket's update of the same change, a reconnect's
 * `ready` racing a late update), so an alert never moves backwards: a closed one stays closed,
 * a claimed one never returns to open, and a copy with fewer escalations or recordings than the
 * one held is stale and ignored.
 */
import type { Alert } from "@won/protocol";

export interface AlertBook {
  readonly byId: Readonly<Record<string, Alert>>;
}

export const EMPTY_BOOK: AlertBook = { byId: {} };

const RANK: Record<Alert["state"], number> = { open: 0, claimed: 1, closed: 2 };

/** Whether `next` may replace `held` (see the module comment). */
export function isNewer(held: Alert | undefined, next: Alert): boolean {
  if (!held) return true;
  if (RANK[next.state] !== RANK[held.state]) return RANK[next.state] > RANK[held.state];
  return next.escalations >= held.escalations && next.recordings.length >= held.recordings.length;
}

/** One alert raised, updated or answered by REST. */
export function upsertAlert(book: AlertBook, alert: Alert): AlertBook {
  if (!isNewer(book.byId[alert.id], alert)) return book;
  return { byId: { ...book.byId, [alert.id]: alert } };
}

/**
 * A (re)connect's `ready`: the list is every alert not closed that I may see, so one I held as
 * not closed and that is missing was closed while I was away — it is dropped. Closed ones I hold
 * stay (the raiser's banner shows how it ended until dismissed).
 */
export function seedAlerts(book: AlertBook, open: readonly Alert[]): AlertBook {
  const byId: Record<string, Alert> = {};
  for (const a of Object.values(book.byId)) if (a.state === "closed") byId[a.id] = a;
  let next: AlertBook = { byId };
  for (const a of open) {
    const held = book.byId[a.id];
    next = upsertAlert(next, held && isNewer(a, held) && held.state !== "closed" ? held : a);
  }
  return next;
}

const byUrgency = (a: Alert, b: Alert) =>
  RANK[a.state] - RANK[b.state] || Date.parse(a.createdAt) - Date.parse(b.createdAt);

/** Alerts that sound the alarm for me: not closed and raised by someone else. Unclaimed first, oldest first. */
export function alarmsFor(book: AlertBook, meId: string | undefined): Alert[] {
  return Object.values(book.byId)
    .filter((a) => a.state !== "closed" && a.raisedBy.id !== meId)
    .sort(byUrgency);
}

/** My own alerts not dismissed, newest first (the raiser's banner). */
export function mineOf(book: AlertBook, meId: string | undefined, dismissed: ReadonlySet<string>): Alert[] {
  return Object.values(book.byId)
    .filter((a) => a.raisedBy.id === meId && !dismissed.has(a.id))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/**
 * How the alarms are shown. An alert may shrink to a bar only once someone has claimed it:
 * until then it stays full screen, whatever the viewer asked. The tone sounds while any alarm
 * is unclaimed.
 */
export function alarmLayout(alarms: readonly Alert[], minimised: ReadonlySet<string>) {
  const bars = alarms.filter((a) => a.state === "claimed" && minimised.has(a.id));
  const full = alarms.filter((a) => !bars.includes(a));
  return { full, bars, sounding: alarms.some((a) => a.state === "open") };
}
