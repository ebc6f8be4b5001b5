/**
 * The event's activity log: every transmission and text of the console's channels as one list,
 * newest first, narrowed by channel and by person. It is derived from the live timelines (which
 * the socket appends to), so new entries appear as they arrive; system lines are left out.
 */
import type { Message } from "@won/protocol";
import type { Timeline } from "../timeline/timeline";

export interface LogFilter {
  /** Only this channel ("" = all). */
  channelId: string;
  /** Only this sender ("" = everyone). */
  userId: string;
}

export const NO_FILTER: LogFilter = { channelId: "", userId: "" };

/** Most entries the log shows at once; older ones stay on their channel's timeline. */
export const LOG_LIMIT = 300;

const newestFirst = (a: Message, b: Message) =>
  Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.seq - a.seq || (a.id < b.id ? 1 : -1);

/** Entries of `channelIds` matching `filter`, newest first, at most `limit`. */
export function activityLog(
  timelines: Record<string, Timeline | undefined>,
  channelIds: readonly string[],
  filter: LogFilter = NO_FILTER,
  limit = LOG_LIMIT,
): Message[] {
  const out: Message[] = [];
  for (const id of channelIds) {
    if (filter.channelId && id !== filter.channelId) continue;
    for (const m of timelines[id]?.messages ?? []) {
      if (m.kind === "system") continue;
      if (filter.userId && m.sender.id !== filter.userId) continue;
      out.push(m);
    }
  }
  return out.sort(newestFirst).slice(0, limit);
}

/** The people who appear in the log, for the person filter, by name. */
export function logSenders(
  timelines: Record<string, Timeline | undefined>,
  channelIds: readonly string[],
): Message["sender"][] {
  const byId = new Map<string, Message["sender"]>();
  for (const id of channelIds)
    for (const m of timelines[id]?.messages ?? []) if (m.kind !== "system") byId.set(m.sender.id, m.sender);
  return [...byId.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Messages from others after `lastSeen` on one timeline: the tile's unread count. */
export function unreadCount(
  t: Timeline | undefined,
  lastSeen: number | undefined,
  selfId: string | undefined,
): number {
  if (!t) return 0;
  let n = 0;
  for (const m of t.messages)
    if (m.kind !== "system" && m.sender.id !== selfId && m.seq > (lastSeen ?? -1)) n++;
  return n;
}

/** The newest transmission (audio message) of a timeline, or null. */
export function lastTransmission(t: Timeline | undefined): Message | null {
  const ms = t?.messages ?? [];
  for (let i = ms.length - 1; i >= 0; i--) if (ms[i]!.kind === "audio") return ms[i]!;
  return null;
}
