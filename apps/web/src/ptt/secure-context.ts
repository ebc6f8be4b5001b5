/**
 * Browsers give the microphone, the audio encoder and the service worker only to secure pages
 * (https, or localhost). A phone that opened the organiser's laptop at a plain http LAN address
 * can listen but never talk; it must be told why and where to go instead, not that its browser
 * lacks an encoder.
 */

/** True when this page is not a secure context (plain http at a non-localhost address). */
export function isInsecureContext(): boolean {
  return typeof window !== "undefined" && window.isSecureContext === false;
}

/** What to tell the user of an insecure page: why there is no microphone, and the https
 *  address of the same server (where the organiser serves it with TLS_SELF_SIGNED). */
export function insecureContextText(host = typeof location === "undefined" ? "" : location.host): string {
  return `This page isn't secure (http), so your browser blocks the microphone. Open https://${host || "…"} (the organiser's address) instead`;
}
