/**
 * Keeps the screen on while a channel is open (Screen Wake Lock API). The browser drops the lock
 * when the page is hidden; it is released here too at that moment (so no stale sentinel is kept)
 * and requested again when the page is shown.
 */
import { useEffect } from "react";

export function useWakeLock(active = true) {
  useEffect(() => {
    if (!active || !("wakeLock" in navigator)) return;
    let lock: WakeLockSentinel | null = null;
    let disposed = false;
    const acquire = async () => {
      if (document.visibilityState !== "visible" || lock) return;
      try {
        lock = await navigator.wakeLock.request("screen");
        lock.addEventListener("release", () => {
          lock = null;
        });
        if (disposed) void lock.release();
      } catch {
        /* denied (battery saver, not visible): the app still works */
      }
    };
    const onVis = () => {
      if (document.visibilityState === "visible") void acquire();
      else void lock?.release().catch(() => {});
    };
    void acquire();
    document.addEventListener("visibilitychange", onVis);
    return () => {
      disposed = true;
      document.removeEventListener("visibilitychange", onVis);
      void lock?.release().catch(() => {});
    };
  }, [active]);
}
