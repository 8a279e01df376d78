"""The job queue against real storage (SQLite here, Redis in the PostgreSQL pass): the
worker sends what a request queued, and periodic work runs once however many workers run,
even when they start it at the same moment on several machines."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from supervisor import clock
from supervisor.extensions import db
from supervisor.jobs import queue, tasks
from supervisor.models import Child, Family, JobRun, Track, TrackEvent
from supervisor.stages.base import StageKey
from supervisor.stages.events import EventKind
from tests.conftest import PG_URL, make_app
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


# --- Two machines starting the same job at the same moment ---------------------------------

TURNING_18 = 300
# Jobs that need no lock: each message is claimed by one sender before it is sent.
UNLOCKED = {"send_mail", "sweep_mail"}


def turning_18(app: Flask, count: int = TURNING_18) -> list[int]:
    """``count`` tracks (ten children to a family, one track each) of children who are 18
    by the test clock's March 2026 and are still supervised; their ids."""
    with app.app_context():
        families = [Family(name=f"Family {n}") for n in range(count // 10)]
        db.session.add_all(families)
        db.session.flush()
        children = [
            Child(
                family_id=families[n // 10].id,
                display_name=f"Child {n}",
                avatar="fox",
                colour="sky",
                birth_year=2008,
                birth_month=1 + n % 2,
            )
            for n in range(count)
        ]
        db.session.add_all(children)
        db.session.flush()
        entered = clock.now()
        tracks_ = [
            Track(
                family_id=child.family_id,
                child_id=child.id,
                platform="youtube",
                stage=StageKey.INSTRUCTION if n % 2 else StageKey.PERMIT,
                stage_entered_at=entered,
            )
            for n, child in enumerate(children)
        ]
        db.session.add_all(tracks_)
        db.session.commit()
        return [track.id for track in tracks_]


@pytest.fixture
def machines(app: Flask) -> Iterator[list[Flask]]:
    """Two more app instances on the test's database, as two machines' workers would be,
    each with its own engine and so its own connection."""
    both = [make_app(app.config["DATABASE_URL"]) for _ in range(2)]
    yield both
    for machine in both:
        with machine.app_context():
            db.engine.dispose()


def at_once(machines: list[Flask], job: Callable[[], Any]) -> list[Any]:
    """Run ``job`` as a worker runs a task (``queue.in_app_context``) on every machine at the
    same moment; what each returned, or the exception it raised, in the machines' order."""
    for machine in machines:  # connect first, so that both start the job itself together
        with machine.app_context(), db.engine.connect():
            pass
    barrier = threading.Barrier(len(machines))
    outcomes: list[Any] = [None] * len(machines)

    def run(index: int, machine: Flask) -> None:
        task = queue.in_app_context(machine, job)
        barrier.wait()
        try:
            outcomes[index] = task()
        except BaseException as error:  # the test reports it
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(machines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def majority_moves(app: Flask) -> dict[int, int]:
    """How many times each track was moved to the licence at 18."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(TrackEvent.track_id, sa.func.count())
            .where(TrackEvent.kind == EventKind.MAJORITY)
            .group_by(TrackEvent.track_id)
        ).all()
    return {track_id: moves for track_id, moves in rows}


def test_the_daily_job_started_on_two_machines_at_once_ends_supervision_once(
    app: Flask, clock: Any, machines: list[Flask], caplog: pytest.LogCaptureFixture
) -> None:
    """The reported failure: two machines ran the daily job together on 900 due tracks, and
    the one that lost crashed on a stale version. Now one does the work, the other nothing."""
    caplog.set_level(logging.INFO)
    ids = turning_18(app)
    outcomes = at_once(machines, tasks.daily)
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert sorted(outcomes, key=len) == [
        {},
        {"majority": TURNING_18, "forgotten": 0, "looks_forgotten": 0},
    ]
    assert majority_moves(app) == dict.fromkeys(ids, 1)
    with app.app_context():
        stages = set(db.session.scalars(sa.select(Track.stage)))
        turns = db.session.scalars(sa.select(JobRun.period).where(JobRun.name == "daily")).all()
    assert stages == {StageKey.LICENCE}
    assert turns == [clock.current.date().isoformat()]
    day = clock.current.date().isoformat()
    assert f"daily {day}: this worker's turn" in caplog.text
    assert f"daily {day}: another worker's turn" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    # The work itself done again (as ``flask supervisor daily`` does it) changes nothing.
    with app.app_context():
        again = queue.alone("daily", tasks.upkeep)
    assert again == {"majority": 0, "forgotten": 0, "looks_forgotten": 0}
    assert majority_moves(app) == dict.fromkeys(ids, 1)


def test_the_job_lock_alone_keeps_a_second_run_out_while_the_first_runs(
    app: Flask, clock: Any, machines: list[Flask]
) -> None:
    """Without the day's turn (two runs whose clocks say different days, or the command run
    by hand beside the worker), the lock still lets one run at a time. PostgreSQL's lock is
    tried without waiting, so the second run gives up at once; SQLite's second writer waits
    for the first to commit and then finds nothing left to do."""
    ids = turning_18(app)
    outcomes = at_once(machines, lambda: queue.alone("daily", tasks.upkeep))
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    done = [o for o in outcomes if o is not None and o["majority"]]
    assert done == [{"majority": TURNING_18, "forgotten": 0, "looks_forgotten": 0}], outcomes
    (other,) = [o for o in outcomes if o is not done[0]]
    if PG_URL:
        assert other is None
    else:
        assert other in (None, {"majority": 0, "forgotten": 0, "looks_forgotten": 0})
    assert majority_moves(app) == dict.fromkeys(ids, 1)


@pytest.mark.skipif(PG_URL is None, reason="advisory locks are PostgreSQL's")
def test_job_locks_are_per_job_and_let_go_at_the_end_of_the_transaction(
    app: Flask, second_worker: Flask
) -> None:
    with second_worker.app_context(), db.session.begin():
        assert queue.lock("daily")
        with app.app_context(), db.session.begin():
            assert not queue.lock("daily")
            assert queue.lock("reminders")
    with app.app_context(), db.session.begin():
        assert queue.lock("daily")


@pytest.fixture
def impatient(app: Flask) -> Flask:
    """On SQLite, ``app`` waits 0.1 s instead of 5 for the write lock, so that a test of a
    run finding it held elsewhere does not wait the full ``busy_timeout``."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(
                db.engine, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=100")
            )
            db.engine.dispose()
    return app


@contextmanager
def running_elsewhere(other: Flask, name: str) -> Iterator[None]:
    """A run of job ``name`` under way on another machine: a thread of its own holds the
    job's lock on ``other``'s connection (on SQLite, the one writer's lock) until the block
    ends."""
    held, done = threading.Event(), threading.Event()
    taken: list[bool] = []

    def hold() -> None:
        with other.app_context(), db.session.begin():
            taken.append(queue.lock(name))
            held.set()
            done.wait(timeout=60)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=30) and taken == [True]
        yield
    finally:
        done.set()
        holder.join(timeout=30)


PERIODIC = [name for name, (_, when) in tasks.JOBS.items() if when and name not in UNLOCKED]


@pytest.mark.own_app  # ``impatient`` listens on its engine
@pytest.mark.parametrize("name", PERIODIC)
def test_every_periodic_job_does_nothing_while_another_machine_runs_it(
    impatient: Flask, second_worker: Flask, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A new periodic job in ``JOBS`` is checked here too: declared with ``queue.periodic``,
    it returns ``{}`` quietly (INFO, no error) while its lock is held."""
    caplog.set_level(logging.INFO)
    with running_elsewhere(second_worker, name):
        assert queue.task(impatient, name).call_local() == {}
    assert f"{name} " in caplog.text and "another worker's turn (running now)" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    with impatient.app_context():
        assert db.session.scalars(sa.select(JobRun)).all() == []  # the turn is still to take


@pytest.mark.own_app
def test_flask_supervisor_daily_exits_0_while_another_machine_runs_it(
    impatient: Flask, second_worker: Flask, clock: Any
) -> None:
    ids = turning_18(impatient, 10)
    runner = impatient.test_cli_runner()
    with running_elsewhere(second_worker, "daily"):
        result = runner.invoke(args=["supervisor", "daily"])
    assert result.exit_code == 0, result.output
    assert "Another worker is doing the daily upkeep now; nothing done here." in result.output
    assert majority_moves(impatient) == {}
    result = runner.invoke(args=["supervisor", "daily"])
    assert result.exit_code == 0 and "Supervision ended on 10 track(s) at 18." in result.output
    assert majority_moves(impatient) == dict.fromkeys(ids, 1)
