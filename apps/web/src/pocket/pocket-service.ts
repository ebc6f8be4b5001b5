/**
 * The pocket features that run outside any screen, wired to the app's one connection: cues and
 * hidden-page notifications for incoming transmissions, the "still live" reminder of toggle
 * mode, and the sleep/wake handling of the socket and the audio context.
 */
import type { ServerMessage } from "@won/protocol";
import { queryClient } from "../api/query-client";
import { unlockAudio } from "../audio/audio-context";
import { playCue } from "../audio/cues";
import { getSession } from "../auth/session";
import type { RealtimeConnection } from "../realtime/connection";
import { getSettings, useSettings } from "../settings/settings-store";
import { useLive } from "../state/live-store";
import { cachedChannel } from "../state/queries/channels";
import { userLabel } from "../users/user-name";
import { createIncomingWatcher, type TransmissionNotice } from "./incoming";
import { installLifecycle } from "./lifecycle";
import { startStillLiveReminder, stillLiveWanted } from "./live-reminder";

const notificationsAllowed = () =>
  typeof Notification !== "undefined" && Notification.permission === "granted";

/**
 * Shows a transmission notice through the service worker, whose click handler focuses the app on
 * the notice's URL; without one (a plain tab with no worker yet), a page notification that focuses
 * the window and opens the channel.
 */
async function showNotice(n: TransmissionNotice): Promise<void> {
  const options = {
    body: n.body,
    tag: n.tag,
    renotify: true,
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    data: { url: n.url },
  } as NotificationOptions;
  const reg = await navigator.serviceWorker?.getRegistration("/").catch(() => undefined);
  if (reg) return reg.showNotification(n.title, options);
  const shown = new Notification(n.title, options);
  shown.onclick = () => {
    window.focus();
    window.location.assign(n.url);
  };
}

function incomingWatcher(): (m: ServerMessage) => void {
  return createIncomingWatcher({
    context: (channelId) => {
      const s = getSettings();
      return {
        selfId: getSession()?.user.id,
        incomingCue: s.incomingCue,
        cueMuted: s.cueMuted,
        direct: cachedChannel(queryClient, channelId)?.kind === "direct",
        hidden: document.visibilityState === "hidden",
        notify: s.hiddenNotify && notificationsAllowed(),
      };
    },
    channelName: (id) => cachedChannel(queryClient, id)?.name ?? null,
    speakerName: userLabel,
    cue: playCue,
    notify: (n) => void showNotice(n).catch((e) => console.warn("notification failed", e)),
  });
}

/** Starts the pocket features on `connection`; called once with the realtime service. */
export function startPocket(connection: RealtimeConnection): void {
  connection.onMessage(incomingWatcher());
  startStillLiveReminder(
    (onChange) => {
      const check = () => onChange(stillLiveWanted(useLive.getState().talk, getSettings().pttMode));
      const unLive = useLive.subscribe(check);
      const unSettings = useSettings.subscribe(check);
      return () => {
        unLive();
        unSettings();
      };
    },
    () => playCue("stillLive"),
  );
  installLifecycle({
    drop: () => connection.drop(),
    nudge: () => connection.nudge(),
    resumeAudio: unlockAudio,
  });
}
