/**
 * The app's realtime service: one RealtimeConnection and one TalkController, started when a
 * session exists and stopped on sign-out. Also keeps the access token fresh before it expires
 * (so the socket is re-authenticated without a 4401), and reconnects at once when the network
 * returns or the tab becomes visible.
 */
import { alertsStore } from "../alerts/alerts-store";
import { refreshTokens } from "../api/http";
import { queryClient } from "../api/query-client";
import { playCue } from "../audio/cues";
import { livePlayer } from "../audio/live-player";
import { missedQueue } from "../audio/missed-queue";
import { refreshDelay } from "../auth/refresh-schedule";
import { clearSession, getSession, useSessionStore } from "../auth/session";
import { startCallWatcher } from "../calls/direct-calls";
import { startPocket } from "../pocket/pocket-service";
import { TalkController } from "../ptt/talk-controller";
import { resyncPush } from "../push/web-push";
import { getSettings, useSettings } from "../settings/settings-store";
import { getLive, live } from "../state/live-store";
import { cachedChannel, fetchChannel, prefetchChannels } from "../state/queries/channels";
import { outbox } from "../state/queries/messages";
import { realtimeCache } from "../state/queries/realtime-cache";
import { RealtimeConnection, realtimeUrl } from "./connection";
import { createDispatcher } from "./dispatch";
import { realtimeEvents } from "./realtime-events";

export const connection = new RealtimeConnection({
  url: () => realtimeUrl(),
  token: () => getSession()?.accessToken ?? null,
  refresh: refreshTokens,
  onSessionEnded: () => clearSession(),
});

export const talk = new TalkController(connection);

const dispatcher = createDispatcher({
  live,
  hasLiveChannels: () => Object.keys(getLive().channels).length > 0,
  player: livePlayer,
  missed: missedQueue,
  autoPlayMissed: () => getSettings().autoPlayMissed,
  cache: realtimeCache(queryClient),
  events: realtimeEvents,
  selfId: () => getSession()?.user.id,
  forgetMonitored: (channelId) =>
    useSettings.setState((s) => ({ monitored: s.monitored.filter((id) => id !== channelId) })),
  alerts: alertsStore,
});

connection.onMessage((m) => dispatcher.dispatch(m, connection));
connection.onAudio((frame) => livePlayer.frame(frame));
livePlayer.onLate((channelId, streamId, lateMs) =>
  connection.send({ type: "audio.late", channelId, streamId, lateMs }),
);
connection.onDown(() => dispatcher.socketDown());
connection.onStatus((s) => {
  live.setStatus(s, connection.retryAt);
  // Back online: texts written meanwhile go out, oldest first.
  if (s === "open") void outbox.flush();
});

let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let lastToken: string | null = null;

function scheduleRefresh() {
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  const s = getSession();
  if (!s) return;
  const wait = refreshDelay(s.expiresAt - Date.now());
  refreshTimer = setTimeout(() => {
    refreshTokens().catch(() => {
      // Offline: try again shortly; the socket's 4401 path covers the rest.
      refreshTimer = setTimeout(scheduleRefresh, 10_000);
    });
  }, wait);
}

function onSession() {
  const s = getSession();
  if (!s) {
    lastToken = null;
    if (refreshTimer) clearTimeout(refreshTimer);
    connection.stop();
    return;
  }
  if (s.accessToken !== lastToken) {
    const first = lastToken === null;
    lastToken = s.accessToken;
    scheduleRefresh();
    if (first) {
      outbox.restore();
      connection.start();
      // This browser's push subscription follows whoever signed in on it.
      void resyncPush();
    } else connection.reauth(s.accessToken);
  }
}

let started = false;

/** Wires the service to the session store and the browser's network/visibility events. */
export function startRealtime() {
  if (started) return;
  started = true;
  useSessionStore.subscribe(onSession);
  onSession();
  window.addEventListener("online", () => connection.nudge());
  window.addEventListener("offline", () => connection.drop());
  startPocket(connection);
  startCallWatcher((fn) => connection.onMessage(fn), {
    selfId: () => getSession()?.user.id,
    cachedKind: (id) => {
      const kind = cachedChannel(queryClient, id)?.kind;
      return kind === "direct" || kind === "group" ? kind : null;
    },
    fetchChannel: (id) => fetchChannel(queryClient, id),
    prefetchChannels: () => prefetchChannels(queryClient),
    cue: playCue,
  });
  connection.setVisible(document.visibilityState === "visible");
  document.addEventListener("visibilitychange", () => {
    const visible = document.visibilityState === "visible";
    connection.setVisible(visible);
    if (visible) connection.nudge();
  });
  // Diagnostics and end-to-end tests read the socket from here.
  (window as unknown as { __wonRealtime: unknown }).__wonRealtime = {
    get status() {
      return connection.status;
    },
    stats: connection.stats,
    drop: () => connection.drop(),
    live: () => getLive(),
  };
}
