// Shows the "Print" buttons and makes them print. A file of this site, since the page's
// Content-Security-Policy allows no inline script; without script, the browser's own print works.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
