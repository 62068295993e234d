// Circles service worker: offline pages, the offline log, and push reminders.
// Rendered by circles/views/pwa.py: the cache name is a hash of everything precached, so a
// deploy that changes any of it installs a new worker on every phone.
const CACHE = {{ cache|tojson }};
const OFFLINE_URL = {{ offline|tojson }};
const OFFLINE_LOG_URL = {{ offline_log|tojson }};
const LOG_URL = {{ log|tojson }};
const PRECACHE = {{ precache|tojson }};

self.addEventListener("install", (event) => {
  // Without cookies: what is kept for offline use belongs to nobody in particular.
  const requests = PRECACHE.map((url) => new Request(url, { credentials: "omit" }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (request.mode === "navigate") {
    const fallback = url.pathname === LOG_URL ? OFFLINE_LOG_URL : OFFLINE_URL;
    event.respondWith(fetch(request).catch(() => caches.match(fallback, { cacheName: CACHE })));
    return;
  }
  if (url.origin !== self.location.origin || !url.pathname.startsWith("/static/")) return;
  if (url.searchParams.has("v")) {
    // A versioned file never changes: the kept copy is the right one.
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
  } else {
    // A plain URL (a module imported by another) may change: ask the server first.
    event.respondWith(fetch(request).catch(() => caches.match(request, { cacheName: CACHE })));
  }
});

// A push carries only fixed words, an opaque same-site url and a tag (see circles/push/payload.py).
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const title = data.title || "Circles";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || "",
      tag: data.tag || "circles",
      renotify: false,
      icon: "/static/icons/icon-192.png",
      badge: "/static/icons/icon-192.png",
      data: { url: typeof data.url === "string" && data.url.startsWith("/") ? data.url : "/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target);
    }),
  );
});
