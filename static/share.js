// Shows "Copy" and "Share" buttons for a link in a read-only text box, where this browser can
// copy or share. A file of this site, since the page's Content-Security-Policy allows no inline
// script; without script the buttons stay hidden and the text box still holds the link.
for (const tools of document.querySelectorAll("[data-share-for]")) {
  const box = document.getElementById(tools.dataset.shareFor);
  const said = tools.parentElement.querySelector("[data-copied]");
  const copy = tools.querySelector("[data-copy]");
  const share = tools.querySelector("[data-share]");
  if (navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(box.value);
        said.textContent = "Copied. Paste it where you want it.";
      } catch {
        box.select();
        said.textContent = "This browser did not copy it: the link is selected, copy it from there.";
      }
    });
  }
  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", () => {
      navigator.share({ title: tools.dataset.shareTitle, url: box.value }).catch(() => {});
    });
  }
  tools.hidden = copy.hidden && share.hidden;
}
