/**
 * The server ends a floor with `speaker.stopped reason:"timeout"` in two different situations: the
 * transmission reached the longest allowed talk time, or no audio reached the server for the
 * length of the floor lease (a microphone that went quiet, a stalled encoder, a network that
 * stopped carrying frames). A steward needs different advice for each, so the client tells them
 * apart by how long the floor had been held.
 */

/** A "timeout" this long or more before the talk time cap is a lease expiry, not the cap. */
export const CAP_MARGIN_MS = 2_000;

/** `"no_audio"` for a lease expiry; every other reason passes through unchanged. */
export function stopReason(
  serverReason: string,
  elapsedMs: number | null,
  maxDurationMs: number | null,
): string {
  if (serverReason !== "timeout" || elapsedMs === null || maxDurationMs === null) return serverReason;
  return elapsedMs < maxDurationMs - CAP_MARGIN_MS ? "no_audio" : "timeout";
}
