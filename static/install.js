// Registers the service worker (static/service-worker.js), which shows the offline page when
// the tablet has no connection.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(document.currentScript.dataset.worker, { scope: "/" });
}
