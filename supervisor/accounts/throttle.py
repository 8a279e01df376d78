"""Sign-in throttling per email address, kept in the database so all workers share it.

``LOGIN_MAX_FAILURES`` failures within ``LOGIN_FAILURE_WINDOW`` lock the address. Locks in a
row last longer each time (``LOGIN_LOCKOUTS``: 15 minutes, 1 hour, then 4 hours at most, so
an account is never locked for good, security target 9). The row counts them; the count
starts again after a successful sign-in, which forgets the row, or once
``LOGIN_LOCKOUT_RESET`` (24 hours) has passed since the last lock ended.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from supervisor import audit, clock
from supervisor.db import insert_if_missing
from supervisor.extensions import db
from supervisor.models import Guardian, LoginThrottle


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
        _lock(row, now)


def clear(email: str) -> None:
    """Forget failures and earlier locks after a successful sign-in."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.email == email))


def _lock(row: LoginThrottle, now: datetime) -> None:
    """Lock the address for the next step of ``LOGIN_LOCKOUTS`` and write it to the audit log."""
    config = current_app.config
    if row.locked_until is not None and now - row.locked_until >= config["LOGIN_LOCKOUT_RESET"]:
        row.lockouts = 0
    steps = config["LOGIN_LOCKOUTS"]
    row.locked_until = now + steps[min(row.lockouts, len(steps) - 1)]
    row.lockouts += 1
    row.failures = 0
    row.window_started_at = now
    family_id = db.session.scalar(sa.select(Guardian.family_id).where(Guardian.email == row.email))
    audit.record("login_lockout", audit.DENIED, family_id=family_id, subject=row.email)


def _locked_row(email: str, now: datetime) -> LoginThrottle:
    """The throttle row for ``email``, created if missing and locked against other workers."""
    insert_if_missing(
        db.session, LoginThrottle, email=email, failures=0, lockouts=0, window_started_at=now
    )
    return db.session.scalars(
        sa.select(LoginThrottle)
        .where(LoginThrottle.email == email)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
