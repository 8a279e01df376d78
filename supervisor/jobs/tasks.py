"""The jobs the worker runs, registered on the app's queue in ``init_app``.

Periodic jobs run every hour (mail: every minute) and do their work at most once per
period (``queue.once``); a job that fails rolls its turn back with its work, so the next
hour tries again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from huey import crontab

from supervisor import clock
from supervisor.accounts import signup_throttle
from supervisor.extensions import db
from supervisor.family import looked
from supervisor.jobs import queue, retention
from supervisor.jobs import reminders as jobs_reminders
from supervisor.mail import delivery
from supervisor.tracks import operations as tracks


def send_mail() -> int:
    """Send what the outbox holds that is due."""
    return delivery.deliver_due()


def daily() -> dict[str, int]:
    """Once a day: end supervision at 18, forget expired sign-up counts and guardians' looks
    older than 90 days (nothing, when another worker had today's turn)."""
    with db.session.begin():
        if not queue.once("daily", clock.now().date().isoformat()):
            return {}
        return {
            "majority": tracks.end_supervision_at_majority(),
            "forgotten": signup_throttle.forget_expired(),
            "looks_forgotten": looked.prune(clock.now().date()),
        }


def reminders() -> dict[str, int]:
    """Every hour: check-in reminders for tomorrow and overdue notices, each sent once."""
    with db.session.begin():
        if not queue.once("reminders", _hour()):
            return {}
        return jobs_reminders.send_reminders()


def expire_links() -> dict[str, int]:
    """Every hour: forget expired one-time links and sessions past their absolute limit."""
    with db.session.begin():
        if not queue.once("expire_links", _hour()):
            return {}
        return jobs_reminders.expire_links()


def prune() -> dict[str, int]:
    """Once a day: delete what the retention policy no longer keeps (``jobs.retention``).

    The turn is taken in a transaction of its own and the deletes follow in bounded batches,
    each committed: a long first run holds no lock for long and keeps no other worker
    waiting on the turn. A run that fails midway leaves its turn taken; what it deleted
    stays deleted, and tomorrow's run deletes the rest.
    """
    with db.session.begin():
        if not queue.once("prune", clock.now().date().isoformat()):
            return {}
    return retention.prune(clock.now())


def _hour() -> str:
    """The current UTC hour as a period, such as 2026-12-02T11."""
    return clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H")


# name -> (job, when huey's scheduler runs it; None: only when asked)
JOBS: dict[str, tuple[Callable[[], Any], Callable[[datetime], bool] | None]] = {
    "send_mail": (send_mail, None),
    "sweep_mail": (send_mail, crontab(minute="*")),
    "daily": (daily, crontab(minute="0")),
    "reminders": (reminders, crontab(minute="*")),
    "expire_links": (expire_links, crontab(minute="*")),
    "prune": (prune, crontab(minute="30")),
}


def init_app(app: Flask) -> None:
    """The queue, every job on it, and the wake-up after a COMMIT that queued mail."""
    huey = queue.build(app)
    app.extensions[queue.EXTENSION] = huey
    tasks: dict[str, Callable[[], Any]] = {}
    for name, (job, when) in JOBS.items():
        run = queue.in_app_context(app, job)
        if when is None:
            tasks[name] = huey.task(name=name)(run)
        else:
            tasks[name] = huey.periodic_task(when, name=name)(run)
    app.extensions[queue.TASKS] = tasks
    queue.wake_after_commit(app, tasks["send_mail"])
