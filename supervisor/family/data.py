"""The family's data rights: everything it stored, as one JSON file; and deleting all of it.

Export format (version 1): ``{"format": "supervisor-family-export", "version": 1,
"exported_at": ISO time, "family_id": id, "tables": {table name: [row, ...]}}`` with one
object per row, column names as keys, times in ISO 8601 UTC. Secrets (password and PIN
hashes, token digests) are left out, and so are the answers a child tried on the quiz question
in front of them (``lesson_progress.answers``): the child's page promises guardians never see
which answers were tried, only the scores.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from supervisor import clock
from supervisor.accounts import signup_throttle
from supervisor.db import metadata
from supervisor.extensions import db
from supervisor.models import (
    Child,
    Family,
    Guardian,
    JobRun,
    LessonProgress,
    LoginThrottle,
    OneTimeLink,
    PinAttempts,
    SignupThrottle,
)

FORMAT = "supervisor-family-export"
SECRET_COLUMNS = {"password_hash", "pin_hash", "token_hash", "calendar_token_hash"}
CHILD_ONLY = {LessonProgress.__tablename__: {"answers"}}  # shown to the child alone


def _owned(table: sa.Table, family_id: int) -> sa.Select[Any] | None:
    """The rows of ``table`` that belong to the family, or ``None`` for tables it has none in."""
    if table.name == Family.__tablename__:
        return sa.select(table).where(table.c.id == family_id)
    if "family_id" in table.c:
        return sa.select(table).where(table.c.family_id == family_id)
    if table.name == PinAttempts.__tablename__:
        children = sa.select(Child.id).where(Child.family_id == family_id)
        return sa.select(table).where(table.c.child_id.in_(children))
    if table.name == LoginThrottle.__tablename__:
        emails = sa.select(Guardian.email).where(Guardian.family_id == family_id)
        return sa.select(table).where(table.c.email.in_(emails))
    if table.name == SignupThrottle.__tablename__:
        return sa.select(table).where(_guardian_addresses(family_id))
    if table.name == OneTimeLink.__tablename__:
        guardians = sa.select(Guardian.id).where(Guardian.family_id == family_id)
        return sa.select(table).where(table.c.guardian_id.in_(guardians))
    if table.name == JobRun.__tablename__:
        return None  # the app's own bookkeeping of periodic jobs: nobody's data
    raise LookupError(f"no rule says which rows of {table.name!r} belong to a family")


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def export(family_id: int) -> dict[str, Any]:
    """Every row of every table that belongs to the family, without secrets or what only the
    child may see."""
    tables = {}
    for table in metadata.sorted_tables:
        query = _owned(table, family_id)
        left_out = SECRET_COLUMNS | CHILD_ONLY.get(table.name, set())
        columns = [c.name for c in table.columns if c.name not in left_out]
        tables[table.name] = (
            [
                {name: _plain(row[name]) for name in columns}
                for row in db.session.execute(query).mappings()
            ]
            if query is not None
            else []
        )
    return {
        "format": FORMAT,
        "version": 1,
        "exported_at": clock.now().isoformat(),
        "family_id": family_id,
        "tables": tables,
    }


def delete_family(family_id: int) -> None:
    """Remove the family and, by the database's cascades, every row that refers to it.

    Sign-in and sign-up counters are keyed by email, not family, so they go first, by hand.
    """
    emails = sa.select(Guardian.email).where(Guardian.family_id == family_id)
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.email.in_(emails)))
    db.session.execute(sa.delete(SignupThrottle).where(_guardian_addresses(family_id)))
    db.session.execute(sa.delete(Family).where(Family.id == family_id))


def _guardian_addresses(family_id: int) -> sa.ColumnElement[bool]:
    """Sign-up counts of the family's guardians' email addresses (client addresses are no one's)."""
    emails = sa.select(Guardian.email).where(Guardian.family_id == family_id)
    return sa.and_(
        SignupThrottle.scope == signup_throttle.EMAIL, SignupThrottle.address.in_(emails)
    )
