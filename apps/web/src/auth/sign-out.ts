/**
 * Signing out really signs out: the server revokes the access token and the refresh family
 * (POST /auth/logout), the socket is closed, tokens, cached server data and live state are
 * dropped. Local cleanup happens even when the server cannot be reached.
 */
import type { QueryClient } from "@tanstack/react-query";
import { alertsStore } from "../alerts/alerts-store";
import { api } from "../api/endpoints";
import { livePlayer } from "../audio/live-player";
import { missedQueue } from "../audio/missed-queue";
import { recordingPlayer } from "../audio/recording-player";
import { connection, talk } from "../realtime/realtime";
import { forgetUserSettings } from "../settings/settings-store";
import { live } from "../state/live-store";
import { outbox } from "../state/queries/messages";
import { forgetSavedState } from "../state/saved-state";
import { clearSession, getSession } from "./session";

export async function signOut(queryClient: QueryClient) {
  const s = getSession();
  talk.release();
  talk.stopHotMic();
  connection.stop();
  try {
    if (s) await api.logout(s.refreshToken);
  } catch {
    /* offline or already revoked: the local session still ends */
  }
  clearSession();
  livePlayer.endAll();
  missedQueue.clear();
  recordingPlayer.reset();
  live.reset();
  alertsStore.reset();
  forgetUserSettings();
  outbox.clear();
  queryClient.clear();
  forgetSavedState();
}
