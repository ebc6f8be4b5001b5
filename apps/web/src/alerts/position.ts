/**
 * The Geolocation API, wrapped for alerts: a quick first fix that never holds an alert back, and
 * a watch for the raiser's moving position. A denied permission, no GPS or a slow fix all come
 * back as "no location" — the alert goes out regardless.
 */
import type { AlertLocation } from "@won/protocol";

/** How long the first fix may delay an alert before it goes without one. */
export const FIRST_FIX_WAIT_MS = 1_500;

const OPTIONS: PositionOptions = { enableHighAccuracy: true, timeout: 8_000, maximumAge: 15_000 };

export function toAlertLocation(p: GeolocationPosition): AlertLocation {
  return {
    lat: p.coords.latitude,
    lon: p.coords.longitude,
    accuracyM: Math.min(1_000_000, Math.max(0, p.coords.accuracy)),
  };
}

const geolocation = () => (typeof navigator !== "undefined" ? navigator.geolocation : undefined);

/**
 * A fix within `waitMs`, or undefined. Our own timer bounds the wait: the API's `timeout` does not
 * run while the browser is still asking for permission.
 */
export function quickFix(waitMs = FIRST_FIX_WAIT_MS): Promise<AlertLocation | undefined> {
  const geo = geolocation();
  if (!geo) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), waitMs);
    const settle = (v: AlertLocation | undefined) => {
      clearTimeout(timer);
      resolve(v);
    };
    geo.getCurrentPosition(
      (p) => settle(toAlertLocation(p)),
      () => settle(undefined),
      { ...OPTIONS, timeout: waitMs },
    );
  });
}

/** Watches the position; returns the stop function. Errors (denied, unavailable) are silent. */
export function watchFix(onFix: (l: AlertLocation) => void): () => void {
  const geo = geolocation();
  if (!geo) return () => {};
  const id = geo.watchPosition(
    (p) => onFix(toAlertLocation(p)),
    () => {},
    OPTIONS,
  );
  return () => geo.clearWatch(id);
}
