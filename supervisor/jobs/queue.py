"""The job queue: huey on Redis when ``REDIS_URL`` is set (several machines share it), else
on an SQLite file in the instance folder (one machine, nothing else to run).

huey's scheduler in every running worker enqueues each periodic job once a minute; ``once``
makes the first of them to reach the database for a period do the work, in the same
transaction as the work itself, so the others find the turn taken and do nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

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


def once(name: str, period: str) -> bool:
    """Take job ``name``'s turn for ``period`` in the current transaction; False if another
    worker has it. On PostgreSQL a second worker waits here until the first commits; on
    SQLite the first holds the write lock from its BEGIN IMMEDIATE."""
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
        "%s %s: %s", name, period, "this worker's turn" if taken else "another worker's turn"
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
