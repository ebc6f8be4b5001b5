/**
 * Why the app brought you home from a channel: it was deleted, or you were removed from it.
 * The channel screen puts a `GoneState` in the navigation state; home says it in words.
 */
export interface GoneState {
  gone: { channelName: string | null; reason: "deleted" | "revoked" };
}

export function isGoneState(state: unknown): state is GoneState {
  const gone = (state as Partial<GoneState> | null)?.gone;
  return !!gone && (gone.reason === "deleted" || gone.reason === "revoked");
}

export function goneMessage({ gone }: GoneState): string {
  const name = gone.channelName ? `“${gone.channelName}”` : "That channel";
  return gone.reason === "deleted"
    ? `${name} was deleted, so you are back home. Its history went with it.`
    : `You were removed from ${gone.channelName ? name : "that channel"}, so you are back home. Ask an organiser if this is a mistake.`;
}
