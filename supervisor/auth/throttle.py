"""Sign-in throttling per email address, kept in the database so all workers share it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from supervisor import clock
from supervisor.db import insert_if_missing
from supervisor.extensions import db
from supervisor.models import LoginThrottle


def locked_until(email: str) -> datetime | None:
    """When sign-in for ``email`` opens again, or ``None`` if it is open now."""
    row = db.session.get(LoginThrottle, email)
    if row is None or row.locked_until is None or row.locked_until <= clock.now():
        return None
    return row.locked_until


def record_failure(email: str) -> None:
    """Count a failed attempt; the last allowed failure locks the address for a while."""
    config = current_app.config
    now = clock.now()
    row = _locked_row(email, now)
    if now - row.window_started_at > config["LOGIN_FAILURE_WINDOW"]:
        row.window_started_at = now
        row.failures = 0
    row.failures += 1
    if row.failures >= config["LOGIN_MAX_FAILURES"]:
        row.locked_until = now + config["LOGIN_LOCKOUT"]
        row.failures = 0
        row.window_started_at = now


def clear(email: str) -> None:
    """Forget failures after a successful sign-in."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.email == email))


def _locked_row(email: str, now: datetime) -> LoginThrottle:
    """The throttle row for ``email``, created if missing and locked against other workers."""
    insert_if_missing(db.session, LoginThrottle, email=email, failures=0, window_started_at=now)
    return db.session.scalars(
        sa.select(LoginThrottle)
        .where(LoginThrottle.email == email)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
