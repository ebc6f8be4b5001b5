/**
 * Whether the talk button can be used, from the channel's abilities (what the server's policy
 * lets me do there) and the live state. Pure, so the talk panel's branching is tested without a
 * browser.
 */
import type { ChannelAbilities } from "@won/protocol";

export interface TalkAvailability {
  /** I may transmit on this channel at all; otherwise the button says "Listen only". */
  mayTalk: boolean;
  /** A press goes to the server now (allowed, connected, subscribed, not on air elsewhere). */
  enabled: boolean;
  /** The "interrupt whoever is talking" option is offered. */
  offerPriority: boolean;
}

export function talkAvailability(
  abilities: Pick<ChannelAbilities, "talk" | "interrupt">,
  live: { connected: boolean; subscribed: boolean; talkingElsewhere: boolean },
): TalkAvailability {
  const mayTalk = abilities.talk;
  return {
    mayTalk,
    enabled: mayTalk && live.connected && live.subscribed && !live.talkingElsewhere,
    offerPriority: mayTalk && abilities.interrupt,
  };
}
