/**
 * Per-person volumes, wherever a person is heard: the live player asks for a speaker's gain
 * when their stream starts, and streams playing now are re-levelled when a volume changes.
 * Installed once at start-up; follows whoever is signed in.
 */
import { livePlayer } from "../audio/live-player";
import { useSessionStore } from "../auth/session";
import { consoleSettings, useConsoleSettings } from "./console-settings";
import { dbToGain } from "./mix-math";

export function installUserGains(): void {
  const follow = () => consoleSettings.useUser(useSessionStore.getState().session?.user.id ?? "");
  follow();
  useSessionStore.subscribe(follow);
  livePlayer.setRouting({ userGain: (id) => dbToGain(useConsoleSettings.getState().userGains[id] ?? 0) });
  useConsoleSettings.subscribe((s, prev) => {
    if (s.userGains !== prev.userGains) livePlayer.refresh();
  });
}
