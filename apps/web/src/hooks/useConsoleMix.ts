/**
 * Keeps the console's audio graph in step while the console is open: strips for its channels,
 * the stored mix of each, and which channels are live now (for priority ducking).
 */
import { useEffect } from "react";
import { useSessionStore } from "../auth/session";
import { channelMixer } from "../console/channel-mixer";
import { type ChannelMix, mixOf, useConsoleSettings } from "../console/console-settings";
import { useLive } from "../state/live-store";

export function useConsoleMix(channelIds: readonly string[]) {
  const key = channelIds.join(",");
  const selfId = useSessionStore((s) => s.session?.user.id);
  const settings = useConsoleSettings();
  // A string of who is live where, so the effect runs when that changes and not on every frame.
  const liveKey = useLive((s) =>
    channelIds
      .map((id) => (s.channels[id]?.speaker && s.channels[id]?.speaker?.user.id !== selfId ? 1 : 0))
      .join(""),
  );

  useEffect(() => {
    channelMixer.open(key ? key.split(",") : []);
    return () => channelMixer.close();
  }, [key]);

  useEffect(() => {
    const mix: Record<string, ChannelMix & { live: boolean }> = {};
    key.split(",").forEach((id, i) => {
      if (id) mix[id] = { ...mixOf(settings, id), live: liveKey[i] === "1" };
    });
    channelMixer.apply(mix, settings.duckDb);
  }, [key, liveKey, settings]);
}
