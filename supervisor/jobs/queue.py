"""The job queue: huey on Redis when ``REDIS_URL`` is set (several machines share it), else
on an SQLite file in the instance folder (one machine, nothing else to run).

huey's scheduler in every running worker enqueues each periodic job on its schedule, so on
several machines several runs of one job start at the same moment. A periodic job is declared
with ``periodic``: each run takes the job's database lock (``lock``) and then its turn for the
period (``once``), both in the transaction of the work itself. The lock keeps a second run from
starting while one is running, whatever period each thinks it is in; the turn keeps a run that
starts after one has finished from doing the period's work again. A run that finds either taken
does nothing, says so in the log at INFO, and returns ``{}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql, sqlite

from supervisor import clock
from supervisor.extensions import db
from supervisor.mail.outbox import WAKE
from supervisor.models import JobRun

EXTENSION = "huey"
TASKS = "jobs"
# The first key of every job lock's pg_try_advisory_xact_lock(int, int): "Supv", so no other
# use of advisory locks in the same database can take a job's lock by chance.
LOCKS = 0x53757076

T = TypeVar("T")
Job = Callable[[], dict[str, int]]


def build(app: Flask) -> Huey:
    """The queue ``app``'s settings name."""
    name = app.config["QUEUE_NAME"]
    # Nothing reads what a job returns (on Redis, kept results would never expire).
    if app.config.get("REDIS_URL"):
        return RedisHuey(name, results=False, url=app.config["REDIS_URL"])
    path = Path(app.config["QUEUE_FILE"])
    if not path.is_absolute():
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        path = Path(app.instance_path) / path
    return SqliteHuey(name, results=False, filename=str(path))


def of(app: Flask) -> Huey:
    """The queue of ``app`` (made in ``init_app``)."""
    huey: Huey = app.extensions[EXTENSION]
    return huey


def task(app: Flask, name: str) -> Callable[[], Any]:
    """The job ``name`` as a task of ``app``'s queue: calling it enqueues a run."""
    tasks: dict[str, Callable[[], Any]] = app.extensions[TASKS]
    return tasks[name]


def in_app_context(app: Flask, job: Callable[[], Any]) -> Callable[[], Any]:
    """``job`` as a huey task: each run in an app context of its own, with its own session."""

    @wraps(job)
    def run() -> Any:
        with app.app_context():
            return job()

    return run


def today() -> str:
    """The current UTC day as a period, such as 2026-12-02."""
    return clock.now().astimezone(UTC).date().isoformat()


def this_hour() -> str:
    """The current UTC hour as a period, such as 2026-12-02T11."""
    return clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H")


def periodic(name: str, period: Callable[[], str]) -> Callable[[Job], Job]:
    """Declare job ``name``, done once per ``period`` (``today``, ``this_hour``) by one run at a
    time, whichever machine runs it: a run takes the job's lock and its turn for the period in
    one transaction with its work (``alone``, then ``once``), and returns ``{}`` when another
    run holds either. A job that fails rolls its turn back with its work, so a later run of
    the same period tries again."""

    def declare(work: Job) -> Job:
        @wraps(work)
        def run() -> dict[str, int]:
            at = period()

            def turn() -> dict[str, int]:
                return work() if once(name, at) else {}

            return alone(name, turn, label=f"{name} {at}") or {}

        return run

    return declare


def alone(name: str, work: Callable[[], T], *, label: str | None = None) -> T | None:
    """Run ``work`` in a transaction of its own that holds job ``name``'s lock, and commit;
    ``None`` (logged at INFO, not an error) when another run holds the lock now.

    For a command that does a job's work when asked rather than once per period."""
    label = label or name
    locked = False
    try:
        with db.session.begin():
            if not lock(name):
                _another(label)
                return None
            locked = True
            return work()
    except sa.exc.OperationalError as error:
        if locked or not _busy(error):
            raise
        _another(label)  # SQLite: the other run kept the one writer's lock past busy_timeout
        return None


def lock(name: str) -> bool:
    """Take job ``name``'s lock until the current transaction ends; False if another holds it.

    PostgreSQL: a transaction-level advisory lock keyed by the job and the schema (tests run
    several schemas in one database), tried without waiting and let go at COMMIT or ROLLBACK,
    or when a crashed worker's connection closes. SQLite has one writer at a time: a
    transaction outside a request begins ``IMMEDIATE`` (``db.configure_sqlite``), so this
    first statement waits up to ``busy_timeout`` for the write lock and holds it to the end.
    """
    session = db.session
    if session.get_bind().dialect.name != "postgresql":
        session.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock, or a wait
        return True
    key = sa.func.hashtext(sa.func.concat(sa.func.current_schema(), "/", name))
    return bool(session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(LOCKS, key))))


def _busy(error: sa.exc.OperationalError) -> bool:
    """SQLite's "database is locked": the write lock did not come within busy_timeout."""
    return getattr(error.orig, "sqlite_errorname", None) == "SQLITE_BUSY"


def _another(label: str) -> None:
    current_app.logger.info("%s: another worker's turn (running now); nothing to do", label)


def once(name: str, period: str) -> bool:
    """Take job ``name``'s turn for ``period`` in the current transaction; False if a run
    before this one had it. Alone this only stops a repeat, not a concurrent run: call it
    under the job's ``lock`` (``periodic`` does)."""
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    taken = (
        db.session.execute(
            insert(JobRun)
            .values(name=name, period=period, started_at=clock.now())
            .on_conflict_do_nothing()
            .returning(JobRun.name)
        ).scalar()
        is not None
    )
    current_app.logger.info(
        "%s %s: %s",
        name,
        period,
        "this worker's turn" if taken else "another worker's turn (done already)",
    )
    return taken


def wake_after_commit(app: Flask, wake: Callable[[], object]) -> None:
    """After a COMMIT that queued mail, ask a worker to send it now (the minute's sweep
    sends it anyway, should the queue be unreachable)."""
    sessions: orm.sessionmaker[orm.Session] = app.extensions["database"]

    @sa.event.listens_for(sessions, "after_commit")
    def _woken(session: orm.Session) -> None:
        if session.info.pop(WAKE, False):
            try:
                wake()
            except Exception:
                current_app.logger.warning("Could not wake the mail worker", exc_info=True)

    @sa.event.listens_for(sessions, "after_rollback")
    def _dropped(session: orm.Session) -> None:
        if not session.in_transaction():
            session.info.pop(WAKE, None)
