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
  current(channelId: string): Promise<FloorHolder | null>;
  close(): Promise<void>;
}

/** Whom `acquire` may take the floor from: nobody, non-priority holders, or anyone. */
export type Preempt = boolean | "always";

export interface FloorClaim {
  userId: string;
  connId: string;
  nodeId: string;
  streamId: number;
  priority: boolean;
}

export interface FloorHolder extends FloorClaim {
  /** When the floor was granted, ms since the epoch. */
  since: number;
}

export type FloorResult =
  | { granted: true; holder: FloorHolder; preempted: FloorHolder | null }
  | { granted: false; holder: FloorHolder };
