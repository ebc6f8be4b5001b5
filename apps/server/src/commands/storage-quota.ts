/**
 * Storage and creation quotas (`config.quotas`, 0 = unlimited): stored recording bytes per
 * speaker and per event, checked at `ptt.start`; events and channels per creator, checked when
 * one is created. Over quota, `ptt.start` is answered `ptt.denied quota_exceeded` and a
 * creation 409 `quota_exceeded`.
 *
 * The recording rule: a transmission is checked when it starts, against what is stored. One
 * granted under quota is stored in full even if it crosses the quota — accepted audio is never
 * lost — so usage can end up over the quota by what was being recorded when it was crossed (each
 * transmission is capped by MAX_TRANSMISSION_MS of declared audio); the next `ptt.start` is
 * denied. Usage only falls when recordings are deleted (channel or event deletion, retention).
 *
 * Summing an event's recordings on every `ptt.start` would repeat the same index scan for every
 * press of the button, so each instance keeps the figures for USAGE_TTL_MS: a recording stored
 * here adds its bytes to them at once (`recordingStored`), one stored by another instance is
 * seen within the TTL.
 */
import type { Core } from "../core.js";
import { AppError } from "../domain/errors.js";

/** Quotas read the limits and the usage figures. */
export type QuotaDeps = Pick<Core, "repos" | "config">;

/** How long an instance trusts summed usage it read from the database. */
export const USAGE_TTL_MS = 5_000;
/** Cached figures kept at most per instance (users, events and channel → event links each). */
const MAX_CACHED = 10_000;

export type RecordingQuota = { allowed: true } | { allowed: false; over: "user" | "event" };

/** Whether `userId` may start a transmission in `channelId`: neither their stored recordings
 *  nor those of the channel's event (if it has one) are at their quota. */
export async function recordingQuota(
  ctx: QuotaDeps,
  q: { userId: string; channelId: string },
): Promise<RecordingQuota> {
  const { recordingBytesPerUser: perUser, recordingBytesPerEvent: perEvent } = ctx.config.quotas;
  if (perUser === 0 && perEvent === 0) return { allowed: true };
  const cache = cacheOf(ctx);
  let userBytes = cache.bytes(`u:${q.userId}`);
  let eventId = cache.eventOf.get(q.channelId);
  let eventBytes = eventId === null ? 0 : eventId === undefined ? undefined : cache.bytes(`e:${eventId}`);
  if (userBytes === undefined || eventBytes === undefined) {
    const usage = await ctx.repos.usage.recordingBytes(q.userId, q.channelId);
    ({ userBytes, eventId, eventBytes } = usage);
    cache.put(`u:${q.userId}`, userBytes);
    // A channel never changes event: the link is kept as long as there is room.
    cache.eventOf.set(q.channelId, eventId);
    if (eventId !== null) cache.put(`e:${eventId}`, eventBytes);
  }
  if (perUser > 0 && userBytes >= perUser) return { allowed: false, over: "user" };
  if (perEvent > 0 && eventBytes >= perEvent) return { allowed: false, over: "event" };
  return { allowed: true };
}

/** Tells this instance's cached usage that a recording of `bytes` was stored in `channelId`. */
export function recordingStored(
  ctx: Pick<Core, "repos">,
  r: { userId: string; channelId: string; bytes: number },
): void {
  const cache = caches.get(ctx.repos);
  if (!cache) return;
  cache.add(`u:${r.userId}`, r.bytes);
  const eventId = cache.eventOf.get(r.channelId);
  if (eventId) cache.add(`e:${eventId}`, r.bytes);
}

/**
 * Throws 409 `quota_exceeded` if `userId` already holds as many events (or channels, standalone
 * and in events alike) they created as `MAX_EVENTS_PER_USER` (`MAX_CHANNELS_PER_USER`) allows.
 * Counted before the insert, not in its transaction: creations racing each other may pass
 * together, which overshoots by at most those in flight. The admin CLI is not limited.
 */
export async function assertCanCreate(
  ctx: QuotaDeps,
  userId: string,
  kind: "event" | "channel",
): Promise<void> {
  const limit = kind === "event" ? ctx.config.quotas.eventsPerUser : ctx.config.quotas.channelsPerUser;
  if (limit === 0) return;
  const held =
    kind === "event"
      ? await ctx.repos.usage.eventsCreatedBy(userId)
      : await ctx.repos.usage.channelsCreatedBy(userId);
  if (held >= limit)
    throw new AppError(
      "quota_exceeded",
      `You have created ${held} ${kind}s, the most one account may hold (${limit}); delete one to create another`,
    );
}

/** One instance's recent usage figures, bounded: the oldest entries go first. */
class UsageCache {
  private readonly entries = new Map<string, { bytes: number; at: number }>();
  /** Channel → event (null: standalone), learned from the usage query. */
  readonly eventOf = new BoundedMap<string, string | null>(MAX_CACHED);

  bytes(key: string): number | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (Date.now() - e.at < USAGE_TTL_MS) return e.bytes;
    this.entries.delete(key);
    return undefined;
  }

  put(key: string, bytes: number): void {
    this.entries.delete(key);
    this.entries.set(key, { bytes, at: Date.now() });
    if (this.entries.size > MAX_CACHED) this.entries.delete(this.entries.keys().next().value!);
  }

  add(key: string, bytes: number): void {
    const e = this.entries.get(key);
    if (e) e.bytes += bytes;
  }
}

class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > this.max) this.delete(this.keys().next().value!);
    return this;
  }
}

/**
 * Per instance, keyed by its repositories (one set per core, whichever slice of the core a caller
 * passes): tests run several instances in one process.
 */
const caches = new WeakMap<object, UsageCache>();

function cacheOf(ctx: Pick<Core, "repos">): UsageCache {
  let cache = caches.get(ctx.repos);
  if (!cache) {
    cache = new UsageCache();
    caches.set(ctx.repos, cache);
  }
  return cache;
}
