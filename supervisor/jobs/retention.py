"""How long records that are not a family's own history are kept, and the pruning that
enforces it (README, "How long records are kept"; the numbers are settings in config.py).

Each rule names one kind of record and when a row of it is past its time. ``prune`` deletes
such rows in bounded statements of ``PRUNE_BATCH`` rows, each in a transaction of its own,
so a first run on a large table never holds its lock for long and what was deleted stays
deleted if a later batch fails; running it again deletes only what has aged out since.

A family's own history is never pruned while the family exists: sign-offs and every other
track event, check-ins and their corrections, children's notes, learning moments, the
agreements (schedules, arrangements), walkthrough runs, lesson progress, held changes and
the family's wording changes. No rule names those tables (a test holds it); they go only
with the child or the family, when a guardian deletes them.

Kept elsewhere, and not here: sessions past ``SESSION_ABSOLUTE_TIMEOUT`` and one-time links
a day after they end (the hourly ``expire_links``), sign-up counts whose window is over and
guardians' looks after 90 days (``daily``). Unsubscribe links are signed, never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from supervisor.db import Model, rows_changed
from supervisor.extensions import db
from supervisor.mail import outbox
from supervisor.models import (
    AuditEvent,
    Invite,
    JobRun,
    LoginThrottle,
    Notification,
    OutboxMessage,
    SentReminder,
)

Settings = Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    """One kind of record: its table, and which of its rows are past their time at ``now``."""

    kind: str
    model: type[Model]
    expired: Callable[[datetime, Settings], sa.ColumnElement[bool]]


RULES = (
    Rule("audit", AuditEvent, lambda now, c: AuditEvent.at < now - c["AUDIT_RETENTION"]),
    Rule(
        "notifications_read",
        Notification,
        lambda now, c: Notification.read_at < now - c["READ_NOTIFICATION_RETENTION"],
    ),
    Rule(
        "notifications_unread",
        Notification,
        lambda now, c: sa.and_(
            Notification.read_at.is_(None),
            Notification.created_at < now - c["UNREAD_NOTIFICATION_RETENTION"],
        ),
    ),
    # A row whose failures are out of their window and whose last lock no longer counts
    # towards the next (``throttle``): deleting it changes nothing about the next sign-in.
    # Most are addresses nobody has an account with.
    Rule(
        "login_throttles",
        LoginThrottle,
        lambda now, c: sa.and_(
            LoginThrottle.window_started_at < now - c["LOGIN_FAILURE_WINDOW"],
            sa.or_(
                LoginThrottle.locked_until.is_(None),
                LoginThrottle.locked_until <= now - c["LOGIN_LOCKOUT_RESET"],
            ),
        ),
    ),
    Rule("invites", Invite, lambda now, c: Invite.expires_at < now - c["INVITE_RETENTION"]),
    Rule(
        "mail_sent",
        OutboxMessage,
        lambda now, c: sa.and_(
            OutboxMessage.status == outbox.SENT,
            OutboxMessage.sent_at < now - c["SENT_MAIL_RETENTION"],
        ),
    ),
    Rule(
        "mail_failed",
        OutboxMessage,
        lambda now, c: sa.and_(
            OutboxMessage.status == outbox.FAILED,
            OutboxMessage.created_at < now - c["FAILED_MAIL_RETENTION"],
        ),
    ),
    Rule(
        "sent_reminders",
        SentReminder,
        lambda now, c: SentReminder.due_on < (now - c["SENT_REMINDER_RETENTION"]).date(),
    ),
    Rule("job_runs", JobRun, lambda now, c: JobRun.started_at < now - c["JOB_RUN_RETENTION"]),
)


def prune(now: datetime, batch: int | None = None) -> dict[str, int]:
    """Delete every row past its time at ``now``, ``batch`` rows (``PRUNE_BATCH``) a
    statement and a transaction; how many of each kind went."""
    size = batch or current_app.config["PRUNE_BATCH"]
    return {rule.kind: _prune(rule, now, size) for rule in RULES}


def _prune(rule: Rule, now: datetime, size: int) -> int:
    expired = rule.expired(now, current_app.config)
    keys = sa.inspect(rule.model).primary_key
    deleted = 0
    if len(keys) == 1 and keys[0].name == "id":
        # Walk the primary key upwards: each batch starts where the last one ended, so it
        # never reads again through the rows deleted before it.
        (key,) = keys
        after = 0
        while True:
            with db.session.begin():
                ids = sa.select(key).where(expired, key > after).order_by(key).limit(size)
                upto = db.session.scalar(sa.select(sa.func.max(ids.subquery().c.id)))
                if upto is None:
                    return deleted
                deleted += rows_changed(
                    db.session.execute(
                        sa.delete(rule.model)
                        .where(expired, key > after, key <= upto)
                        .execution_options(synchronize_session=False)
                    )
                )
            after = upto
    # A small table keyed otherwise: a batch is any ``size`` of its expired rows.
    while True:
        with db.session.begin():
            chosen = sa.select(*keys).where(expired).limit(size)
            target = sa.tuple_(*keys) if len(keys) > 1 else keys[0]
            count = rows_changed(
                db.session.execute(
                    sa.delete(rule.model)
                    .where(target.in_(chosen))
                    .execution_options(synchronize_session=False)
                )
            )
        deleted += count
        if count < size:
            return deleted
