"""The jobs the worker runs, registered on the app's queue in ``init_app``.

Periodic jobs are enqueued every hour or every minute by each worker's scheduler, and are
declared with ``queue.periodic``: one run at a time does the period's work, whichever machine
it is on, and the others return ``{}`` (a new periodic job needs only that decorator and its
line in ``JOBS``). Their work is safe to repeat too: what it changes, it selects by what is
still to change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from flask import Flask
from huey import crontab

from supervisor import clock
from supervisor.accounts import signup_throttle
from supervisor.family import looked
from supervisor.jobs import queue, retention
from supervisor.jobs import reminders as jobs_reminders
from supervisor.mail import delivery
from supervisor.tracks import operations as tracks


def send_mail() -> int:
    """Send what the outbox holds that is due (each message is claimed before it is sent)."""
    return delivery.deliver_due()


def upkeep() -> dict[str, int]:
    """End supervision at 18, forget expired sign-up counts and guardians' looks older than
    90 days (the work of ``daily``, and of ``flask supervisor daily``)."""
    return {
        "majority": tracks.end_supervision_at_majority(),
        "forgotten": signup_throttle.forget_expired(),
        "looks_forgotten": looked.prune(clock.now().date()),
    }


@queue.periodic("daily", queue.today)
def daily() -> dict[str, int]:
    """Once a day: the upkeep."""
    return upkeep()


@queue.periodic("reminders", queue.this_hour)
def reminders() -> dict[str, int]:
    """Every hour: check-in reminders for tomorrow and overdue notices, each sent once."""
    return jobs_reminders.send_reminders()


@queue.periodic("expire_links", queue.this_hour)
def expire_links() -> dict[str, int]:
    """Every hour: forget expired one-time links and sessions past their absolute limit."""
    return jobs_reminders.expire_links()


def prune() -> dict[str, int]:
    """Once a day: delete what the retention policy no longer keeps (``jobs.retention``).

    The day's turn is taken under the job's lock and committed first; the deletes follow in
    bounded batches, each committed, so a long first run holds no lock for long and keeps no
    other worker waiting. A run that fails midway leaves its turn taken: what it deleted
    stays deleted, and tomorrow's run deletes the rest.
    """
    at = queue.today()
    if not queue.alone("prune", partial(queue.once, "prune", at), label=f"prune {at}"):
        return {}
    return retention.prune(clock.now())


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
