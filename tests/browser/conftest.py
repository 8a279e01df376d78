"""Browser fixtures: the app served by a real WSGI server on 127.0.0.1, driven by Chromium.

The server runs in a thread of the test process, so the test's clock (``clock`` fixture) moves
the server's time too; no setting, variable or route can move the clock of a deployed app.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from tests.browser.words import Words, extracted
from tests.pseudo_locale import build_catalog

CHROMIUM = os.environ.get("SUPERVISOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PORTRAIT = {"width": 820, "height": 1180}
LANDSCAPE = {"width": 1180, "height": 820}
# Screenshots for a reviewer; kept after the run (ignored by git).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# The browser's own language setting (what it sends as Accept-Language) for each page language.
BROWSER_LOCALES = {"en": "en-GB", "es": "es-ES"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(app: Flask) -> Iterator[tuple[Flask, str]]:
    """The test's app (empty tables) behind a threaded WSGI server on a free port of 127.0.0.1."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def language() -> str:
    """The language the browser asks for; a test walks another by parametrizing this."""
    return "en"


@pytest.fixture(scope="session")
def messages(tmp_path_factory: pytest.TempPathFactory) -> frozenset[str]:
    """Every message the app marks for translation, as extracted today."""
    return extracted(build_catalog(tmp_path_factory.mktemp("messages")) / "messages.pot")


@pytest.fixture
def words(language: str, messages: frozenset[str]) -> Words:
    return Words(language, messages)


@pytest.fixture
def context(
    browser: Browser, live_app: tuple[Flask, str], language: str
) -> Iterator[BrowserContext]:
    """A tablet-sized browser with touch, pointed at the live app, asking for ``language``."""
    context = browser.new_context(
        base_url=live_app[1], viewport=PORTRAIT, has_touch=True, locale=BROWSER_LOCALES[language]
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
