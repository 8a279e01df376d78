"""A page kept once rendered, and served again while nothing it shows can have changed.

What a kept page depends on is in its key or in its lifetime, never assumed:
- the family's rows, by the family's ``revision`` (kept with the page), which every write
  moves on in its own transaction (``supervisor.revisions``), so a write on any worker or
  machine makes every worker's kept page of that family unusable the moment it commits;
- the reader and how the page speaks to them (who is signed in, the language, on the family
  tablet or not, where the app is mounted; and what the page adds, such as whether their
  password is fresh), in the key;
- the time: a page is used from when it was made until the first moment it could read
  differently by time alone (``until``, which the page itself reports: a check-in falling
  due, a day beginning, an invite running out), and for ``LONGEST`` at most, so that a write
  made around the app (by hand, or by a release before revisions) shows within that time;
- the request's CSRF token, put back into the page each time it is served;
- messages flashed by the request before: a page that shows them is that answer's alone,
  rendered and not kept.

Each worker keeps its own, one page a key and at most ``KEPT_PAGES``, the least recently
used dropped first. With ``KEPT_PAGES_CHECK`` (the tests) every page served from the store is
rendered again as well, and a difference is an error: a write that left a kept page stale
fails the test that made it.
"""

from __future__ import annotations

import difflib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock

from flask import current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from supervisor import clock
from supervisor.local_time import page_locale
from supervisor.tablet import devices

CSRF_SLOT = "\x00csrf\x00"  # where the request's token goes; no page contains a NUL
LONGEST = timedelta(minutes=5)


class StalePage(AssertionError):
    """A kept page differs from the page rendered afresh: something wrote without telling."""


@dataclass(frozen=True)
class Page:
    html: str  # with ``CSRF_SLOT`` for the CSRF token
    revision: int  # the family's, when it was made
    made: datetime
    until: datetime


class Store:
    """The pages one worker keeps; its threads share it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, Page] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, revision: int, now: datetime) -> Page | None:
        """The page kept under ``key`` if it is still current; one that is not goes."""
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.revision != revision or not page.made <= now < page.until:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: Page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def store() -> Store:
    kept: Store | None = current_app.extensions.get("kept_pages")
    if kept is None:
        kept = current_app.extensions["kept_pages"] = Store(current_app.config["KEPT_PAGES"])
    return kept


def kept(key: Hashable, revision: int, render: Callable[[], tuple[str, datetime]]) -> str:
    """The page ``key`` names for this reader, made at the family's ``revision``, rendered by
    ``render`` when none is kept: its HTML and the first moment it may read differently by
    time alone. A key has one page at most, the latest: a write replaces it, not adds to it."""
    if "_flashes" in session:  # Flask's own key: messages waiting for this page to show
        return render()[0]
    whose = (
        key,
        current_user.get_id(),
        str(page_locale()),
        devices.current() is not None,
        request.script_root,
    )
    now = clock.now()
    token = generate_csrf()
    kept_here = store()
    page = kept_here.get(whose, revision, now)
    if page is None:
        page = _made(render, revision, now, token)
        if kept_here.size:
            kept_here.put(whose, page)
    elif current_app.config["KEPT_PAGES_CHECK"]:
        fresh = _made(render, revision, now, token)
        if fresh.html != page.html:
            raise StalePage(f"the kept page {whose!r} is out of date:\n{_difference(page, fresh)}")
    return page.html.replace(CSRF_SLOT, token)


def _difference(kept: Page, fresh: Page) -> str:
    lines = difflib.unified_diff(
        kept.html.splitlines(), fresh.html.splitlines(), "kept", "fresh", lineterm="", n=1
    )
    return "\n".join(list(lines)[:40])


def _made(
    render: Callable[[], tuple[str, datetime]], revision: int, now: datetime, token: str
) -> Page:
    html, until = render()
    return Page(html.replace(token, CSRF_SLOT), revision, now, min(until, now + LONGEST))
