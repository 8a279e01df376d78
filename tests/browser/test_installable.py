"""The app as Chromium sees it on the tablet: installable (manifest, icons, service worker),
and offline it shows its offline page, never a private page kept from before."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, PORTRAIT
from tests.browser.family_tablet import make_family_tablet
from tests.browser.steps import Tablet
from tests.conftest import FakeClock

KEPT_URLS_JS = """
async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls.map((url) => new URL(url).pathname).sort();
}
"""


def wait_for_worker(page: Page) -> None:
    """Until the service worker controls the page (it claims it once it is active)."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_chromium_finds_the_app_installable(
    browser: Browser, live_app: tuple[Flask, str], tmp_path: Path
):
    """A profile of its own: Chromium never offers to install from an incognito context,
    which every other test's context is."""
    context = browser.browser_type.launch_persistent_context(
        tmp_path,
        executable_path=CHROMIUM,
        args=CHROMIUM_FLAGS,
        base_url=live_app[1],
        viewport=PORTRAIT,
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/login")
    wait_for_worker(page)
    cdp = page.context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/manifest.webmanifest")
    parsed = manifest["manifest"]
    assert parsed["name"] == "Supervisor"
    assert parsed["display"] == "kStandalone"
    assert parsed["startUrl"].endswith("/who")
    assert parsed["themeColor"] == "rgba(31,95,191,1)"  # --brand of static/style.css
    icons = {icon["url"].rsplit("/", 1)[1]: icon["sizes"] for icon in parsed["icons"]}
    assert icons == {
        "app-icon-192.png": "192x192",
        "app-icon-512.png": "512x512",
        "app-icon-maskable-512.png": "512x512",
    }
    for name, size in icons.items():
        png = page.request.get(f"/static/{name}").body()
        # A PNG's width and height are the two big-endian words after its IHDR tag.
        width, height = int.from_bytes(png[16:20]), int.from_bytes(png[20:24])
        assert png.startswith(b"\x89PNG") and f"{width}x{height}" == size
    context.close()


def test_offline_the_tablet_shows_the_offline_page_and_no_private_page(
    words, context: BrowserContext, page: Page, live_app, clock: FakeClock
):
    app, address = live_app
    family = make_family_tablet(app, address, context)
    tablet = Tablet(page, words)
    page.goto("/who")
    wait_for_worker(page)
    tablet.open_child("Mo")
    tablet.expect_heading("Hi Mo!")
    track_page = f"/me/tracks/{family.track_id}"
    page.goto(track_page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Instagram")

    # Only the offline page and static files were kept: no page of the app, though every
    # one of them went through the worker.
    kept = page.evaluate(KEPT_URLS_JS)
    assert "/offline" in kept
    assert all(path.startswith("/static/") for path in kept if path != "/offline"), kept

    context.set_offline(True)
    for private in ("/me/", track_page, "/who"):
        page.goto(private)
        tablet.expect_heading("No connection")
        assert not re.search(r"\bMo\b", page.inner_text("body"))
        tablet.checks(page)
    # The offline page keeps its styles: the stylesheet comes from the worker's cache.
    paper = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert paper == "rgb(247, 246, 242)"

    context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    tablet.expect_heading("Who's using Kitchen tablet?")
    assert tablet.checks.problems == {}
