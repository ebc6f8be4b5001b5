/**
 * Whether live voice is on the air for me: someone else holds the floor of a channel I listen to,
 * or I am transmitting. Recordings (the missed-transmissions replay) wait while it is, so a replay
 * never plays over a live voice — live always wins.
 */
import type { ChannelLive, TalkState } from "../state/live-store";

export function liveAudioOn(
  s: { channels: Record<string, Pick<ChannelLive, "speaker">>; talk: TalkState | null },
  selfId: string | undefined,
): boolean {
  if (s.talk) return true;
  return Object.values(s.channels).some((c) => c.speaker !== null && c.speaker.user.id !== selfId);
}
