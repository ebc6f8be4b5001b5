/**
 * Direct calls as the client tracks them locally: the incoming call to show in the banner, and
 * how many messages arrived in each direct channel while I was not looking at it. Pure functions
 * of the state and one event each, so every branch is a unit test; `direct-calls.ts` holds the
 * app's one copy and feeds it from the socket.
 */
import type { Message, User } from "@won/protocol";

export interface IncomingCall {
  channelId: string;
  caller: User;
  streamId: number;
  /** The caller is talking now; false once their transmission ended (a missed call). */
  live: boolean;
}

export interface CallState {
  incoming: IncomingCall | null;
  /** Unread messages per direct channel. */
  unread: Record<string, number>;
  /** The channel on screen, whose messages are read as they arrive. */
  viewing: string | null;
  /** Ids of the messages already counted (a message may arrive twice: on `speaker.stopped` and
   *  on `message.created`), newest last, at most {@link COUNTED_MAX}. */
  counted: string[];
}

export const COUNTED_MAX = 200;

export const EMPTY_CALLS: CallState = { incoming: null, unread: {}, viewing: null, counted: [] };

/** A transmission started on a direct channel of mine. Another user's only; on screen, no banner. */
export function callStarted(s: CallState, channelId: string, caller: User, streamId: number): CallState {
  if (s.viewing === channelId) return s;
  return { ...s, incoming: { channelId, caller, streamId, live: true } };
}

/** A transmission ended: the banner stays, as a call to answer, until replied to or dismissed. */
export function callEnded(s: CallState, streamId: number): CallState {
  if (s.incoming?.streamId !== streamId) return s;
  return { ...s, incoming: { ...s.incoming, live: false } };
}

/** A message arrived in a direct channel: unread unless it is mine, on screen, or counted already. */
export function directMessage(
  s: CallState,
  m: Pick<Message, "id" | "channelId" | "sender">,
  selfId: string | undefined,
): CallState {
  if (m.sender.id === selfId || s.viewing === m.channelId || s.counted.includes(m.id)) return s;
  return {
    ...s,
    unread: { ...s.unread, [m.channelId]: (s.unread[m.channelId] ?? 0) + 1 },
    counted: [...s.counted, m.id].slice(-COUNTED_MAX),
  };
}

/** A channel came on screen (or `null`: none): its messages are read, its call answered. */
export function viewing(s: CallState, channelId: string | null): CallState {
  if (channelId === null) return { ...s, viewing: null };
  const { [channelId]: _read, ...unread } = s.unread;
  const incoming = s.incoming?.channelId === channelId ? null : s.incoming;
  return { ...s, viewing: channelId, unread, incoming };
}

/** The banner was closed without replying. */
export function dismissed(s: CallState): CallState {
  return { ...s, incoming: null };
}

/** What the call banner says. */
export function callBannerText(call: Pick<IncomingCall, "caller" | "live">, name: string): string {
  return call.live ? `📞 ${name} is calling you` : `📞 ${name} called you`;
}
