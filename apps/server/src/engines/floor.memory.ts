import {
  type Floor,
  type FloorClaim,
  type FloorHolder,
  type FloorResult,
  type MultiFloorResult,
  mayTake,
  type Preempt,
} from "./floor.js";
import { defaultHub, type MemoryHub } from "./memory-hub.js";

export interface MemoryFloorOptions {
  /** Nodes on one hub share the floors; default: the process-wide hub. */
  hub?: MemoryHub;
}

/** How often expired floors are dropped from the map (they are ignored as soon as they expire). */
const PURGE_EVERY_MS = 10_000;

/**
 * In-process {@link Floor}. It serves ONE process only; instances on one {@link MemoryHub} share
 * each channel's floor like nodes on one Redis. Everything runs synchronously on the event loop,
 * so grants are atomic. Expired leases are ignored at once and purged at most every 10 s, so the
 * map holds at most the floors granted in the last `leaseMs + 10 s`.
 */
export class MemoryFloor implements Floor {
  private readonly floors: MemoryHub["floors"];
  private nextPurge = 0;

  constructor(opts: MemoryFloorOptions = {}) {
    this.floors = (opts.hub ?? defaultHub).floors;
  }

  async acquire(
    channelId: string,
    claim: FloorClaim,
    opts: { leaseMs: number; preempt: Preempt },
  ): Promise<FloorResult> {
    const now = Date.now();
    this.purge(now);
    const current = this.live(channelId, now);
    if (!mayTake(current, opts.preempt)) return { granted: false, holder: { ...current! } };
    const holder: FloorHolder = { ...claim, since: now };
    this.floors.set(channelId, { holder, expiresAt: now + opts.leaseMs });
    return { granted: true, holder: { ...holder }, preempted: current ? { ...current } : null };
  }

  async renew(channelId: string, streamId: number, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const entry = this.floors.get(channelId);
    if (!entry || entry.expiresAt <= now || entry.holder.streamId !== streamId) return false;
    entry.expiresAt = now + leaseMs;
    return true;
  }

  async release(channelId: string, streamId: number): Promise<boolean> {
    const holder = this.live(channelId, Date.now());
    if (!holder || holder.streamId !== streamId) return false;
    this.floors.delete(channelId);
    return true;
  }

  /** Checks every channel, then sets every one, in one synchronous step: atomic like acquire. */
  async acquireAll(
    channelIds: readonly string[],
    claim: FloorClaim,
    opts: { leaseMs: number; preempt: Preempt },
  ): Promise<MultiFloorResult> {
    const now = Date.now();
    this.purge(now);
    const ids = [...new Set(channelIds)];
    const currents = ids.map((id) => this.live(id, now));
    for (const [i, current] of currents.entries()) {
      if (!mayTake(current, opts.preempt))
        return { granted: false, channelId: ids[i]!, holder: { ...current! } };
    }
    const holder: FloorHolder = { ...claim, since: now };
    const preempted: { channelId: string; holder: FloorHolder }[] = [];
    for (const [i, id] of ids.entries()) {
      const current = currents[i];
      if (current) preempted.push({ channelId: id, holder: { ...current } });
      this.floors.set(id, { holder: { ...holder }, expiresAt: now + opts.leaseMs });
    }
    return { granted: true, holder, preempted };
  }

  async renewAll(channelIds: readonly string[], streamId: number, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const entries = channelIds.map((id) => this.floors.get(id));
    if (!entries.every((e) => e && e.expiresAt > now && e.holder.streamId === streamId)) return false;
    for (const e of entries) e!.expiresAt = now + leaseMs;
    return true;
  }

  async releaseAll(channelIds: readonly string[], streamId: number): Promise<number> {
    let n = 0;
    for (const id of new Set(channelIds)) if (await this.release(id, streamId)) n++;
    return n;
  }

  async current(channelId: string): Promise<FloorHolder | null> {
    const holder = this.live(channelId, Date.now());
    return holder ? { ...holder } : null;
  }

  /** The hub belongs to the caller; nothing to release. */
  async close(): Promise<void> {}

  private live(channelId: string, now: number): FloorHolder | null {
    const entry = this.floors.get(channelId);
    if (!entry) return null;
    if (entry.expiresAt > now) return entry.holder;
    this.floors.delete(channelId);
    return null;
  }

  private purge(now: number): void {
    if (now < this.nextPurge) return;
    this.nextPurge = now + PURGE_EVERY_MS;
    for (const [channelId, entry] of this.floors) if (entry.expiresAt <= now) this.floors.delete(channelId);
  }
}
