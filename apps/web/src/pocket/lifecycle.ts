/**
 * Sleep and wake (Page Lifecycle). A phone freezes a background page: its timers and socket
 * callbacks stop, and what the socket receives meanwhile is handed over in one burst on resume —
 * voice frames that would be played late, over each other, then counted as heard. So the socket is
 * closed on `freeze` (what the Page Lifecycle guidance asks of open connections) and reopened at
 * once on `resume`: the reconnect resubscribes with `sinceSeq`, the missed messages arrive as a
 * replay, and missed transmissions go to the missed queue instead of the live player.
 *
 * The audio context is asked to run again whenever the page comes back (shown, resumed, restored
 * from the back/forward cache): a phone may have suspended it while the screen was off.
 */

export interface LifecycleDeps {
  /** Close the socket now; it reconnects by policy. */
  drop: () => void;
  /** Reconnect now, skipping any backoff. */
  nudge: () => void;
  /** Resume the audio context if it was suspended. */
  resumeAudio: () => void;
}

/** Installs the listeners; returns their removal. */
export function installLifecycle(
  d: LifecycleDeps,
  doc: Document = document,
  win: Window = window,
): () => void {
  const onFreeze = () => d.drop();
  const onWake = () => {
    d.resumeAudio();
    d.nudge();
  };
  const onVisible = () => {
    if (doc.visibilityState === "visible") d.resumeAudio();
  };
  const onPageShow = (e: PageTransitionEvent) => {
    if (e.persisted) onWake();
  };
  doc.addEventListener("freeze", onFreeze);
  doc.addEventListener("resume", onWake);
  doc.addEventListener("visibilitychange", onVisible);
  win.addEventListener("pageshow", onPageShow);
  return () => {
    doc.removeEventListener("freeze", onFreeze);
    doc.removeEventListener("resume", onWake);
    doc.removeEventListener("visibilitychange", onVisible);
    win.removeEventListener("pageshow", onPageShow);
  };
}
