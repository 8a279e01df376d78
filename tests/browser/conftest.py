"""Browser fixtures: the app served by a real WSGI server on 127.0.0.1, driven by Chromium.

The server runs in a thread of the test process, so the test's clock (``clock`` fixture) moves
the server's time too; no setting, variable or route can move the clock of a deployed app.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from supervisor.extensions import db
from tests.conftest import _fresh_database_url, make_app

T = TypeVar("T")

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module. Playwright's event loop runs in this thread while the
    browser is open, and the app's context teardown refuses to run beside it, so the loop
    must be gone before the rest of the suite runs."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def off_loop(work: Callable[[], T]) -> T:
    """Run ``work`` in another thread: Playwright's event loop owns this one, and the app's
    context teardown refuses to run beside a running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def in_app(app: Flask, work: Callable[[], T]) -> T:
    """Run ``work`` inside an app context (for checks on the database)."""

    def run() -> T:
        with app.app_context():
            return work()

    return off_loop(run)


@pytest.fixture
def live_app(migrated_database: str, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """A fresh database behind a threaded WSGI server on a free port of 127.0.0.1."""
    app = off_loop(lambda: make_app(_fresh_database_url(migrated_database, tmp_path)))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()
    in_app(app, lambda: db.engine.dispose())


@pytest.fixture
def context(browser: Browser, live_app: tuple[Flask, str]) -> Iterator[BrowserContext]:
    """A tablet-sized browser with touch, pointed at the live app."""
    context = browser.new_context(
        base_url=live_app[1], viewport=PORTRAIT, has_touch=True, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
