/** What a push says for each kind of event (alert pushes are built in commands/alert-delivery.ts). */
import type { PushPayload, User } from "@won/protocol";

/** Someone talks to the user on their direct channel: one notification per call, replaced by the next. */
export function directCallPayload(channelId: string, caller: User): PushPayload {
  return {
    type: "direct.transmission",
    title: `${caller.displayName} is calling`,
    body: "Tap to listen and answer",
    url: `/channels/${channelId}`,
    tag: `direct-${channelId}`,
    channelId,
  };
}
