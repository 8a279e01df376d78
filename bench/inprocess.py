"""Inside one process: SQL statements and time per request, and a profile of the slow pages.

The app is built as the server builds it (production settings, same database and secret key)
so the cookies signed in through gunicorn work here too; wrk cannot see into a request.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench.pages import Page, Session
from config import ProductionConfig
from supervisor.app import create_app
from supervisor.extensions import db

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


@dataclass
class SqlMeter:
    """Counts statements (not BEGIN) and the time spent in them, on one engine."""

    statements: int = 0
    seconds: float = 0.0
    texts: list[str] = field(default_factory=list)
    _started: float = 0.0

    def before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self._started = time.perf_counter()
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.statements += 1
            self.texts.append(statement)

    def after(self, *_args: Any) -> None:
        self.seconds += time.perf_counter() - self._started

    def reset(self) -> None:
        self.statements, self.seconds, self.texts = 0, 0.0, []


@dataclass(frozen=True)
class PageCost:
    """One page's cost per request in a single process, with no other load."""

    statements: float
    statements_min: int
    statements_max: int
    ms: float
    sql_ms: float  # inside the driver's execute; rows are fetched (and converted) after it
    example: list[str]  # the statements of one request, to read


def make_app(url: str, secret_key: str, **overrides: Any) -> Flask:
    """Production settings (and ``overrides``), serving the test client's own host."""
    settings = {"DATABASE_URL": url, "SECRET_KEY": secret_key, "BASE_URL": "http://localhost"}
    return create_app(ProductionConfig, {**settings, **overrides})


@contextmanager
def metered(app: Flask) -> Iterator[SqlMeter]:
    meter = SqlMeter()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", meter.before)
    sa.event.listen(engine, "after_cursor_execute", meter.after)
    try:
        yield meter
    finally:
        sa.event.remove(engine, "before_cursor_execute", meter.before)
        sa.event.remove(engine, "after_cursor_execute", meter.after)


def measure_all(app: Flask, pages: list[Page], sessions: list[Session]) -> dict[str, PageCost]:
    """Every page once per session to warm up (as a serving worker is), then each measured.

    Warming every page first matters: the first page a worker serves checks the schema once,
    and ``/health`` alone never marks it checked.
    """
    client = app.test_client(use_cookies=False)
    for page in pages:
        for path, cookie in page.requests(sessions):
            _get(client, path, cookie)
    return {page.name: measure(app, page, sessions) for page in pages}


def measure(app: Flask, page: Page, sessions: list[Session]) -> PageCost:
    """Ask for ``page`` once per session and count the statements and time each costs."""
    client = app.test_client(use_cookies=False)
    requests = page.requests(sessions)
    counts: list[int] = []
    times: list[float] = []
    sql_times: list[float] = []
    example: list[str] = []
    with metered(app) as meter:
        for path, cookie in requests:
            meter.reset()
            started = time.perf_counter()
            _get(client, path, cookie)
            times.append(time.perf_counter() - started)
            counts.append(meter.statements)
            sql_times.append(meter.seconds)
            example = example or list(meter.texts)
    return PageCost(
        statements=statistics.fmean(counts),
        statements_min=min(counts),
        statements_max=max(counts),
        ms=statistics.median(times) * 1000,
        sql_ms=statistics.median(sql_times) * 1000,
        example=example,
    )


def profile(app: Flask, page: Page, sessions: list[Session], out: Path, rounds: int = 3) -> Path:
    """A pyinstrument profile of ``rounds`` requests per session, written as text."""
    from pyinstrument import Profiler  # only needed with --profile

    client = app.test_client(use_cookies=False)
    requests = page.requests(sessions)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(rounds):
            for path, cookie in requests:
                _get(client, path, cookie)
    out.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return out


def _get(client: Any, path: str, cookie: str) -> None:
    answer = client.get(path, headers={"Cookie": cookie} if cookie else {})
    if answer.status_code != 200:
        raise RuntimeError(f"GET {path} answered {answer.status_code} in-process")
