/**
 * Wires the saved cache (api/saved-cache.ts) to the app: restored once at start for the user
 * whose session is on the device, kept up to date while they use it, forgotten at sign-out.
 */
import { queryClient } from "../api/query-client";
import { forgetSaved, keepQueries, restoreQueries, savedTimelines, saveTimelines } from "../api/saved-cache";
import { getSession } from "../auth/session";
import { getLive, live, useLive } from "./live-store";

const storage = () => (typeof localStorage === "undefined" ? null : localStorage);

let started = false;

export function startSavedState(): void {
  const store = storage();
  if (started || !store) return;
  started = true;
  const me = getSession()?.user.id;
  if (me) {
    restoreQueries(queryClient, me, store);
    for (const [channelId, msgs] of Object.entries(savedTimelines(me, store))) live.messages(channelId, msgs);
  }
  keepQueries(queryClient, () => getSession()?.user.id, store);
  let timer: ReturnType<typeof setTimeout> | null = null;
  useLive.subscribe((s, prev) => {
    if (s.timelines === prev.timelines || timer) return;
    timer = setTimeout(() => {
      timer = null;
      const user = getSession()?.user.id;
      if (!user) return;
      const timelines = getLive().timelines;
      saveTimelines(
        user,
        Object.fromEntries(Object.entries(timelines).map(([id, t]) => [id, t.messages])),
        store,
      );
    }, 1_000);
  });
}

export function forgetSavedState(): void {
  const store = storage();
  if (store) forgetSaved(store);
}
