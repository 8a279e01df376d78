// Shows "Copy" and "Share" buttons for a link in a read-only text box, where this browser can
// copy or share. A file of this site, since the page's Content-Security-Policy allows no inline
// script; without script the buttons stay hidden and the text box still holds the link. What it
// says comes from the data-text-* attributes, in the page's language.
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
        said.textContent = tools.dataset.textCopied;
      } catch {
        box.select();
        said.textContent = tools.dataset.textNotCopied;
      }
    });
  }
  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", () => {
      navigator.share({ title: tools.dataset.textShareTitle, url: box.value }).catch(() => {});
    });
  }
  tools.hidden = copy.hidden && share.hidden;
}
