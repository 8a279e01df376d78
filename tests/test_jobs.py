"""The job queue against real storage (SQLite here, Redis in the PostgreSQL pass): the
worker sends what a request queued, and periodic work runs once however many workers run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from supervisor import clock
from supervisor.extensions import db
from supervisor.jobs import queue
from supervisor.models import JobRun
from tests.mailbox import MailServer, queue_notice

ROOT = Path(__file__).resolve().parent.parent


def wait_for(condition: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.05)


@pytest.fixture
def consumer(app: Flask) -> Iterator[Any]:
    """The worker, as ``flask supervisor worker`` runs it, in this process's threads."""
    huey = queue.of(app)
    huey.flush()
    running = huey.create_consumer(workers=2, worker_type="thread", periodic=False)
    running.start()
    yield running
    running.stop(graceful=True)
    huey.flush()


def test_the_worker_sends_mail_as_soon_as_the_change_is_committed(
    app: Flask, mail_server: MailServer, consumer: Any
) -> None:
    queue_notice(app)
    wait_for(lambda: len(mail_server.received) == 1)
    assert mail_server.received[0].subject == "Ada asks for sign-off"


def worker_process(app: Flask, log: Path) -> subprocess.Popen[bytes]:
    """``flask --app wsgi supervisor worker`` on this test's database and queue, logging to
    ``log``."""
    env = {
        **os.environ,
        "SUPERVISOR_ENV": "testing",
        "SUPERVISOR_SECRET_KEY": "test-secret-key",
        "SUPERVISOR_DATABASE_URL": app.config["DATABASE_URL"],
        "SUPERVISOR_QUEUE_NAME": app.config["QUEUE_NAME"],
        "SUPERVISOR_QUEUE_FILE": app.config["QUEUE_FILE"],
        "SUPERVISOR_MAIL_FOLDER": app.config["MAIL_FOLDER"],
    }
    if app.config.get("REDIS_URL"):
        env["SUPERVISOR_REDIS_URL"] = app.config["REDIS_URL"]
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "supervisor", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )


def test_a_periodic_job_runs_once_per_period_with_two_workers_running(
    app: Flask, tmp_path: Path
) -> None:
    queue.of(app).flush()
    logs_at = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [worker_process(app, log) for log in logs_at]
    daily = queue.task(app, "daily")
    # Each worker's scheduler enqueues the job for its period; here, four copies at once.
    for _ in range(4):
        daily()
    with app.app_context():
        today = clock.now().date().isoformat()
        wait_for(lambda: queue.of(app).pending_count() == 0, seconds=30)
    logs = ""
    deadline = time.monotonic() + 30
    try:
        while logs.count("daily " + today) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
            logs = "".join(worker_log.read_text() for worker_log in logs_at)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
    assert logs.count(f"daily {today}: this worker's turn") == 1, logs
    assert logs.count(f"daily {today}: another worker's turn") == 3, logs
    with app.app_context():
        assert db.session.scalars(sa.select(JobRun.period).where(JobRun.name == "daily")).all() == [
            today
        ]
