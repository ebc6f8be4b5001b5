/**
 * The floor: at most one speaker per channel, ever, across all nodes.
 *
 * Contract:
 * - `acquire` grants the floor when it is free, when `preempt` is true and the current holder
 *   has `priority: false`, or whatever the holder when `preempt` is `"always"` (an emergency hot
 *   mic); otherwise it reports the current holder. Grants are atomic: under
 *   any number of concurrent `acquire`s from any nodes, exactly one wins.
 * - A grant is a lease of `leaseMs`; `renew` extends it while the holder's frames flow and
 *   returns false once the floor is no longer that stream's (expired or pre-empted).
 * - `release` is compare-and-delete on `streamId`: it never frees someone else's floor.
 * - A lease that is not renewed expires by itself, so a crashed node's speaker frees the floor
 *   within `leaseMs`. The hard cap on transmission length is the caller's (it knows `since`).
 */
export interface Floor {
  acquire(
    channelId: string,
    claim: FloorClaim,
    opts: { leaseMs: number; preempt: Preempt },
  ): Promise<FloorResult>;
  renew(channelId: string, streamId: number, leaseMs: number): Promise<boolean>;
  release(channelId: string, streamId: number): Promise<boolean>;
  /**
   * The floors of several channels as one (an all-call, a patch): granted only when each of them
   * could be granted alone under the same `preempt`, and then every one is set to `claim` in the
   * same atomic step — never some of them. Under any number of concurrent `acquire`s and
   * `acquireAll`s over overlapping channels from any nodes, no channel ever has two holders and
   * no claim holds part of its set. Refused: the first channel (in the order given) that is
   * held, with its holder. `preempted` lists every holder displaced, by channel.
   */
  acquireAll(
    channelIds: readonly string[],
    claim: FloorClaim,
    opts: { leaseMs: number; preempt: Preempt },
  ): Promise<MultiFloorResult>;
  /** Extends every lease of `channelIds` if all are still this stream's; false (nothing
   *  extended) when any is not — the transmission has lost part of its floor and must end. */
  renewAll(channelIds: readonly string[], streamId: number, leaseMs: number): Promise<boolean>;
  /** Compare-and-delete on each of `channelIds`; returns how many were this stream's. */
  releaseAll(channelIds: readonly string[], streamId: number): Promise<number>;
  current(channelId: string): Promise<FloorHolder | null>;
  close(): Promise<void>;
}

/**
 * Whom `acquire` may take the floor from: nobody, non-priority holders, anyone but an emergency
 * hot mic or another all-call (`"allCall"`), or anyone (`"always"`).
 */
export type Preempt = boolean | "allCall" | "always";

export interface FloorClaim {
  userId: string;
  connId: string;
  nodeId: string;
  streamId: number;
  priority: boolean;
  /**
   * The channel the transmission runs on, when the claim holds other channels' floors too
   * (all-call, patch): a pre-emption on any of them is announced there. Absent: this channel.
   */
  origin?: string;
  /** An emergency hot mic: only `preempt: "always"` takes its floor. */
  emergency?: true;
  /** An all-call: only `preempt: "always"` takes its floor. */
  allCall?: true;
}

export interface FloorHolder extends FloorClaim {
  /** When the floor was granted, ms since the epoch. */
  since: number;
}

export type FloorResult =
  | { granted: true; holder: FloorHolder; preempted: FloorHolder | null }
  | { granted: false; holder: FloorHolder };

export type MultiFloorResult =
  | { granted: true; holder: FloorHolder; preempted: { channelId: string; holder: FloorHolder }[] }
  | { granted: false; channelId: string; holder: FloorHolder };

/** Whether a claim under `preempt` may take a floor held by `current` (null: free). */
export function mayTake(current: FloorHolder | null, preempt: Preempt): boolean {
  if (!current || preempt === "always") return true;
  if (preempt === "allCall") return !current.emergency && !current.allCall;
  return preempt === true && current.priority === false;
}

/** `preempt` as the Redis scripts read it (ARGV[3]). */
export function preemptArg(preempt: Preempt): string {
  return preempt === "always" ? "2" : preempt === "allCall" ? "3" : preempt ? "1" : "0";
}
