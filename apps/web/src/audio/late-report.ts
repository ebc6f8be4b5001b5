/**
 * When a listener tells a speaker that their stream reaches it late (`audio.late`, at most every
 * `LATE_REPORT_EVERY_MS` per stream). The speaker then steps down to fewer, larger packets
 * (`link-adapt.ts`). Late means one of:
 * - every frame of the last second waited `LATE_FLOOR_MS` or more on the way: our downlink is
 *   slower than the stream and the frames queue;
 * - covering the lateness of 95 % of the last 5 s of frames takes a delay of `STALL_DELAY_MS` or
 *   more: retransmission stalls on a lossy link come so often that the playout must hold a
 *   quarter of a second. Each lost packet holds everything behind it for about a round trip, so
 *   a third as many packets means a third as many stalls.
 */
import type { PlayoutReport } from "./playout/playout-node";

export const LATE_FLOOR_MS = 150;
export const STALL_DELAY_MS = 250;
export const LATE_REPORT_EVERY_MS = 2_000;

/** How late a playout's report says its stream is (ms), or 0 when it is not worth a word. */
export function lateMs(r: Pick<PlayoutReport, "latenessFloorMs" | "targetMs">): number {
  if (r.latenessFloorMs > LATE_FLOOR_MS) return r.latenessFloorMs;
  return r.targetMs >= STALL_DELAY_MS ? r.targetMs : 0;
}
