// The app's service worker: when the tablet is offline, a page that says so instead of the
// browser's error. It keeps only the offline page and the app's static files. A page of the
// app is never kept: every page says "Cache-Control: no-store" (a shared tablet must not show
// one person's page to the next), and nothing with that header is stored.
const CACHE = "supervisor-static-v2";
const OFFLINE = "/offline"; // in the language the tablet's browser asks for
const AT_INSTALL = [OFFLINE, "/static/style.css", "/static/favicon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(AT_INSTALL)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

// Stored only if it is a whole answer of this site that does not forbid storing.
function mayKeep(response) {
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return response.ok && response.type === "basic" && !/\bno-store\b/.test(control);
}

async function answer(request) {
  try {
    const response = await fetch(request);
    if (mayKeep(response)) {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (offline) {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(request);
    if (kept) return kept;
    if (request.mode === "navigate") return cache.match(OFFLINE);
    throw offline;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(answer(event.request));
});
