/** Keeps the screen on while a channel is open (Screen Wake Lock API), re-acquired when the page is shown again. */
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
    const onVis = () => void acquire();
    void acquire();
    document.addEventListener("visibilitychange", onVis);
    return () => {
      disposed = true;
      document.removeEventListener("visibilitychange", onVis);
      void lock?.release().catch(() => {});
    };
  }, [active]);
}
