// Operation Won service worker: caches the app shell (HTML, JS, CSS, icons, worklets) so the app
// opens instantly and installs as a PWA. The API (/api/…) and the realtime socket are NEVER
// cached or intercepted — live data must always come from the server.
const CACHE = "won-shell-v1";
const SHELL = [
  "/",
  "/manifest.webmanifest",
  "/icons/icon.svg",
  "/icons/icon-192.png",
  "/worklets/capture-processor.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const isApi = (url) => url.pathname.startsWith("/api/") || url.pathname === "/api";

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || isApi(url)) return;

  // Pages: network first (fresh deploys win), the cached shell when offline.
  if (req.mode === "navigate") {
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put("/", copy));
          }
          return res;
        })
        .catch(() => caches.match("/").then((r) => r || Response.error())),
    );
    return;
  }

  // Static files (content-hashed assets, icons): cache first, filled on first use.
  event.respondWith(
    caches.match(req).then(
      (hit) =>
        hit ||
        fetch(req).then((res) => {
          if (res.ok && res.type === "basic") {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put(req, copy));
          }
          return res;
        }),
    ),
  );
});

// Web Push: the server pushes only when no page of the app is in view (an SOS, an unclaimed
// alert). The payload (JSON: type, title, body, url, tag) is shown as it is; a notification with
// the same tag replaces the earlier one and alerts again (an escalation of the same alert).
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: "Operation Won", body: event.data ? event.data.text() : "" };
  }
  const urgent = typeof data.type === "string" && data.type.startsWith("alert.");
  event.waitUntil(
    self.registration.showNotification(data.title || "Operation Won", {
      body: data.body || "",
      tag: data.tag || undefined,
      renotify: Boolean(data.tag),
      requireInteraction: urgent,
      vibrate: urgent ? [400, 150, 400, 150, 800] : [200],
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      data: { url: typeof data.url === "string" && data.url.startsWith("/") ? data.url : "/" },
    }),
  );
});

// A tap on the notification: an open window of the app goes to the page (then comes to the
// front), or one is opened there. Navigating first: a refused focus must not lose the page.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "/", self.location.origin).href;
  const opening = self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (!open) return self.clients.openWindow(url);
    return open.navigate(url).then((w) => (w ?? open).focus().catch(() => w ?? open));
  });
  event.waitUntil(opening);
});
