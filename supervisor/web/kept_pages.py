"""A page's body kept once rendered, and served again while nothing it shows can have changed.

What a kept body depends on is in its key or in its lifetime, never assumed:
- the family's rows, by the family's ``revision`` (kept with the body), which every write
  moves on in its own transaction (``supervisor.revisions``), so a write on any worker or
  machine makes every worker's kept body of that family unusable the moment it commits;
- the reader and how the page speaks to them (guardian, language, whether their password is
  fresh), in the key;
- the time: a body is used only within the minute it was made in (every threshold a page
  shows, a day's end in any zone or a check-in's time, falls on a whole minute) and before
  anything it lists runs out (``until``);
- the request's CSRF token, put back into the body each time it is served.

Each worker keeps its own, one body a key and at most ``KEPT_PAGES``, the least recently
used dropped first. With ``KEPT_PAGES_CHECK`` (the tests) every body served from the store is
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

from flask import current_app
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from supervisor import clock

CSRF_SLOT = "\x00csrf\x00"  # where the request's token goes; no page contains a NUL


class StalePage(AssertionError):
    """A kept body differs from the page rendered afresh: something wrote without telling."""


@dataclass(frozen=True)
class Body:
    html: str  # with ``CSRF_SLOT`` for the CSRF token
    revision: int  # the family's, when it was made
    made: datetime
    until: datetime


class Store:
    """The bodies one worker keeps; its threads share it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._bodies: OrderedDict[Hashable, Body] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, revision: int, now: datetime) -> Body | None:
        """The body kept under ``key`` if it is still current; one that is not goes."""
        with self._lock:
            body = self._bodies.get(key)
            if body is None:
                return None
            if body.revision != revision or not body.made <= now < body.until:
                del self._bodies[key]
                return None
            self._bodies.move_to_end(key)
            return body

    def put(self, key: Hashable, body: Body) -> None:
        with self._lock:
            self._bodies[key] = body
            self._bodies.move_to_end(key)
            while len(self._bodies) > self.size:
                self._bodies.popitem(last=False)

    def __len__(self) -> int:
        return len(self._bodies)


def store() -> Store:
    kept: Store | None = current_app.extensions.get("kept_pages")
    if kept is None:
        kept = current_app.extensions["kept_pages"] = Store(current_app.config["KEPT_PAGES"])
    return kept


def next_minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0) + timedelta(minutes=1)


def kept(key: Hashable, revision: int, render: Callable[[], tuple[str, datetime | None]]) -> Markup:
    """The body under ``key`` made at the family's ``revision``, rendered by ``render`` when
    none is kept: its HTML and the first moment something it shows runs out (``None``: nothing
    does). A key has one body at most, the latest: a write replaces it, not adds to it."""
    now = clock.now()
    token = generate_csrf()
    pages = store()
    body = pages.get(key, revision, now)
    if body is None:
        body = _made(render, revision, now, token)
        if pages.size:
            pages.put(key, body)
    elif current_app.config["KEPT_PAGES_CHECK"]:
        fresh = _made(render, revision, now, token)
        if fresh.html != body.html:
            raise StalePage(f"the kept page {key!r} is out of date:\n{_difference(body, fresh)}")
    return Markup(body.html.replace(CSRF_SLOT, token))  # noqa: S704 - rendered by our templates


def _difference(kept: Body, fresh: Body) -> str:
    lines = difflib.unified_diff(
        kept.html.splitlines(), fresh.html.splitlines(), "kept", "fresh", lineterm="", n=1
    )
    return "\n".join(list(lines)[:40])


def _made(
    render: Callable[[], tuple[str, datetime | None]], revision: int, now: datetime, token: str
) -> Body:
    html, runs_out = render()
    until = next_minute(now) if runs_out is None else min(next_minute(now), runs_out)
    return Body(html.replace(token, CSRF_SLOT), revision, now, until)
